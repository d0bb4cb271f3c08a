package io.github.panamallama;

/** llama.cpp failed to quantize a model; the message names the files and the type. */
public class QuantizationException extends LlamaException {
    public QuantizationException(String message) {
        super(message);
    }
}
