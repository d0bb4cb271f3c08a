package io.github.panamallama;

/**
 * How {@link Quantizer} quantizes, beyond the target type. The defaults are llama.cpp's.
 *
 * @param threads worker threads; 0 means one per hardware thread
 * @param allowRequantize allow quantizing tensors that are already quantized (lossy twice over)
 * @param quantizeOutputTensor quantize {@code output.weight} too (llama.cpp then keeps it at a
 *     higher type in the mixes); false leaves it as it is
 * @param pure give every quantizable tensor the type's main tensor type, without the mixes'
 *     higher-precision exceptions
 * @param keepSplit write as many shards as the input has
 * @param listener told after each tensor how far the quantization is ({@link QuantizationListener#NONE}
 *     by default)
 */
public record QuantizationOptions(int threads, boolean allowRequantize, boolean quantizeOutputTensor,
        boolean pure, boolean keepSplit, QuantizationListener listener) {

    public QuantizationOptions {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (all) or positive, got " + threads);
        }
        java.util.Objects.requireNonNull(listener, "listener");
    }

    /** llama.cpp's defaults: all threads, no requantizing, output tensor quantized, mixes on. */
    public static QuantizationOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().threads(threads).allowRequantize(allowRequantize)
                .quantizeOutputTensor(quantizeOutputTensor).pure(pure).keepSplit(keepSplit).listener(listener);
    }

    public static final class Builder {
        private int threads = 0;
        private boolean allowRequantize = false;
        private boolean quantizeOutputTensor = true;
        private boolean pure = false;
        private boolean keepSplit = false;
        private QuantizationListener listener = QuantizationListener.NONE;

        private Builder() {
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder allowRequantize(boolean allowRequantize) {
            this.allowRequantize = allowRequantize;
            return this;
        }

        public Builder quantizeOutputTensor(boolean quantizeOutputTensor) {
            this.quantizeOutputTensor = quantizeOutputTensor;
            return this;
        }

        public Builder pure(boolean pure) {
            this.pure = pure;
            return this;
        }

        public Builder keepSplit(boolean keepSplit) {
            this.keepSplit = keepSplit;
            return this;
        }

        /** Told after each tensor how far the quantization is, e.g. a {@code TerminalProgressBar}. */
        public Builder listener(QuantizationListener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * @throws IllegalArgumentException if threads is negative
         * @throws NullPointerException if the listener is null
         */
        public QuantizationOptions build() {
            return new QuantizationOptions(threads, allowRequantize, quantizeOutputTensor, pure, keepSplit, listener);
        }
    }
}
