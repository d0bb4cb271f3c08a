package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The exception types: hierarchy and messages (each is also raised for real in the class tests). */
class ExceptionsTest {
    @Test
    void allAreLlamaExceptions() {
        assertInstanceOf(LlamaException.class, new ModelLoadException(Path.of("m.gguf"), "bad"));
        assertInstanceOf(ModelLoadException.class, new ModelLoadCancelledException(Path.of("m.gguf"), 0.5f));
        assertInstanceOf(LlamaException.class, new ContextFullException(3, 256));
        assertInstanceOf(LlamaException.class, new DecodeException(-3, "x"));
        assertInstanceOf(LlamaException.class, new DecodeAbortedException());
    }

    @Test
    void messagesCarryTheFacts() {
        ModelLoadException load = new ModelLoadException(Path.of("/models/m.gguf"), "not a GGUF file");
        assertEquals("Cannot load model /models/m.gguf: not a GGUF file", load.getMessage());
        assertEquals("cancelled by the progress listener at 50%", new ModelLoadCancelledException(Path.of("m"), 0.5f).reason());
        ContextFullException full = new ContextFullException(3, 256);
        assertTrue(full.getMessage().contains("3 tokens") && full.getMessage().contains("256"), full.getMessage());
        DecodeException fatal = new DecodeException(-3, "decoding failed fatally");
        assertEquals(-3, fatal.code());
        assertFalse(fatal.invalidBatch());
        assertTrue(fatal.getMessage().endsWith("(llama_decode returned -3)"), fatal.getMessage());
        assertTrue(new DecodeException(-1, "bad").invalidBatch());
    }
}
