/** panama-llama: llama.cpp as a Java library. */
module io.github.panamallama {
    requires io.github.panamallama.bindings;
    // The GGUF reader checks a file before llama.cpp sees it; GgufFile is not in this API.
    requires io.github.panamallama.gguf;

    exports io.github.panamallama;
    // Natives jars (panama-llama-natives) provide the native library through this service.
    exports io.github.panamallama.spi;

    uses io.github.panamallama.spi.NativeLibraryBundle;
}
