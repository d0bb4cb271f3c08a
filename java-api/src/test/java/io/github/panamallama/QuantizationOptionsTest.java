package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class QuantizationOptionsTest {
    @Test
    void defaultsAreLlamaCpps() {
        assertEquals(new QuantizationOptions(0, false, true, false, false, QuantizationListener.NONE), QuantizationOptions.defaults());
    }

    @Test
    void builderSetsEveryField() {
        QuantizationListener listener = progress -> { };
        QuantizationOptions options = QuantizationOptions.builder().threads(3).allowRequantize(true)
                .quantizeOutputTensor(false).pure(true).keepSplit(true).listener(listener).build();
        assertEquals(new QuantizationOptions(3, true, false, true, true, listener), options);
        assertEquals(options, options.toBuilder().build());
    }

    @Test
    void nullListenerIsRefused() {
        assertThrows(NullPointerException.class, () -> QuantizationOptions.builder().listener(null).build());
    }

    @Test
    void negativeThreadsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuantizationOptions.builder().threads(-1).build());
        assertEquals("threads must be 0 (all) or positive, got -1", e.getMessage());
    }
}
