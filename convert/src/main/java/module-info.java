/** Mistral/llama checkpoints to GGUF, in pure Java. */
module io.github.panamallama.convert {
    requires transitive io.github.panamallama.gguf;
    requires com.fasterxml.jackson.databind;

    exports io.github.panamallama.convert;
    exports io.github.panamallama.convert.pytorch;
    exports io.github.panamallama.convert.safetensors;
    exports io.github.panamallama.convert.sentencepiece;
}
