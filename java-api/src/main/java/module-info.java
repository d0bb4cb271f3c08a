/** panama-llama: llama.cpp as a Java library. */
module io.github.panamallama {
    requires io.github.panamallama.bindings;
    requires com.fasterxml.jackson.databind;

    exports io.github.panamallama;
    exports io.github.panamallama.gguf;
    exports io.github.panamallama.convert;
    exports io.github.panamallama.convert.pytorch;
    exports io.github.panamallama.convert.safetensors;
    exports io.github.panamallama.convert.sentencepiece;
}
