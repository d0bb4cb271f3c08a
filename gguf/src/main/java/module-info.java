/** GGUF, llama.cpp's model file format, read and written in pure Java. */
module io.github.panamallama.gguf {
    exports io.github.panamallama.gguf;
    // A file-window channel the converter's safetensors reader shares; not API.
    exports io.github.panamallama.gguf.internal to io.github.panamallama.convert;
}
