package io.github.panamallama;

/** llama.cpp failed to quantize a model; the message names the files and the type. */
public class QuantizationException extends LlamaException {
    private static final long serialVersionUID = 1L;

    public QuantizationException(String message) {
        super(message);
    }
}
