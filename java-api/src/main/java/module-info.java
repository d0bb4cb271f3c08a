/** panama-llama: llama.cpp as a Java library. */
module io.github.panamallama {
    requires io.github.panamallama.bindings;
    // JsonNode appears in the grammar package's public API.
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jdk8;

    exports io.github.panamallama;
    exports io.github.panamallama.gguf;
    exports io.github.panamallama.grammar;
    exports io.github.panamallama.convert;
    exports io.github.panamallama.convert.pytorch;
    exports io.github.panamallama.convert.safetensors;
    exports io.github.panamallama.convert.sentencepiece;
    // Natives jars (panama-llama-natives) provide the native library through this service.
    exports io.github.panamallama.spi;

    uses io.github.panamallama.spi.NativeLibraryBundle;
}
