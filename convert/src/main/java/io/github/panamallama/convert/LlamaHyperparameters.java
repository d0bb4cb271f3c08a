package io.github.panamallama.convert;

/**
 * The shape of a llama-architecture model (Mistral 7B is one), as GGUF records it under
 * {@code llama.*}.
 *
 * @param embeddingLength model width ({@code dim}, {@code hidden_size})
 * @param blockCount number of transformer layers
 * @param feedForwardLength width of the MLP ({@code hidden_dim}, {@code intermediate_size})
 * @param headCount attention heads
 * @param headCountKv key/value heads (fewer than heads with grouped-query attention)
 * @param headDimension width of one head, usually embeddingLength / headCount
 * @param contextLength the context the model was trained for
 * @param ropeFreqBase RoPE theta
 * @param rmsNormEpsilon epsilon of the RMS norms
 * @param vocabSize token count of the embedding and output matrices
 */
public record LlamaHyperparameters(int embeddingLength, int blockCount, int feedForwardLength, int headCount,
        int headCountKv, int headDimension, int contextLength, double ropeFreqBase, double rmsNormEpsilon,
        int vocabSize) {
    public LlamaHyperparameters {
        positive("embeddingLength", embeddingLength);
        positive("blockCount", blockCount);
        positive("feedForwardLength", feedForwardLength);
        positive("headCount", headCount);
        positive("headCountKv", headCountKv);
        positive("headDimension", headDimension);
        positive("contextLength", contextLength);
        positive("vocabSize", vocabSize);
        if (headCount % headCountKv != 0) {
            throw new IllegalArgumentException("headCount " + headCount + " is not a multiple of headCountKv " + headCountKv);
        }
        if (headDimension % 2 != 0) {
            throw new IllegalArgumentException("headDimension must be even for RoPE: " + headDimension);
        }
        if (!(ropeFreqBase > 0) || !(rmsNormEpsilon > 0)) {
            throw new IllegalArgumentException("ropeFreqBase and rmsNormEpsilon must be positive: "
                    + ropeFreqBase + ", " + rmsNormEpsilon);
        }
    }

    /** The same model with another training context length (native checkpoints do not say). */
    public LlamaHyperparameters withContextLength(int contextLength) {
        return new LlamaHyperparameters(embeddingLength, blockCount, feedForwardLength, headCount, headCountKv,
                headDimension, contextLength, ropeFreqBase, rmsNormEpsilon, vocabSize);
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
