package io.github.panamallama.internal.validation;

import io.github.panamallama.MetadataOverride;
import io.github.panamallama.gguf.GgmlType;
import io.github.panamallama.gguf.GgufFile;
import io.github.panamallama.gguf.GgufTensorInfo;
import java.io.IOException;
import java.util.List;

/**
 * Checks a GGUF file, with the load's metadata overrides applied, for every value llama.cpp
 * v0.5.0 asserts on rather than reports: a bad value becomes an {@link InvalidModelException}
 * naming the key, the value, the allowed range and the llama.cpp line that would have aborted.
 * The file's structure (counts, sizes, offsets) is {@link GgufFile}'s concern; values llama.cpp
 * refuses by throwing (which becomes a NULL model and a clean exception) are left to it.
 */
public final class ModelValidation {
    /** ggml's TENSOR_ALIGNMENT (ggml/src/ggml-backend-impl.h): mapped tensor data must keep it. */
    static final int TENSOR_ALIGNMENT = 32;

    private ModelValidation() {}

    /**
     * @param vocabOnly whether only the vocabulary will be loaded (llama.cpp then skips the hyperparameters)
     * @param mayMap whether llama.cpp may map the file (not {@code useMmap(false)})
     * @throws InvalidModelException for the first value llama.cpp would not survive
     * @throws IOException if the file cannot be read again (token texts are re-read as bytes)
     */
    public static void check(GgufFile file, List<MetadataOverride> overrides, boolean vocabOnly, boolean mayMap)
            throws IOException {
        MetadataView metadata = new MetadataView(file.metadata(), overrides);
        if (mayMap) {
            checkMappedAlignment(file);
        }
        if (!vocabOnly) {
            new HyperparameterChecks(metadata).check();
            checkTiedNvfp4Output(file);
        }
        new VocabularyChecks(metadata, () -> file.rawStrings("tokenizer.ggml.tokens")).check();
    }

    /**
     * src/llama-model.cpp:1723: an output tied to an NVFP4 token embedding (no
     * {@code output.weight}) must not come with output scale tensors.
     */
    private static void checkTiedNvfp4Output(GgufFile file) {
        boolean tied = file.tensor("output.weight").isEmpty();
        boolean nvfp4 = file.tensor("token_embd.weight").map(t -> t.type() == GgmlType.NVFP4).orElse(false);
        boolean scales = file.tensor("output.scale").isPresent() || file.tensor("output.input_scale").isPresent();
        if (tied && nvfp4 && scales) {
            throw new InvalidModelException("output.scale", "tensor output.scale/output.input_scale given for an output"
                    + " tied to the NVFP4 tensor token_embd.weight: a tied NVFP4 output takes no separate scales"
                    + HyperparameterChecks.aborts("src/llama-model.cpp:1723"));
        }
    }

    /**
     * ggml/src/ggml-backend.cpp:2511: a mapped tensor's address must be 32-byte aligned. A file
     * alignment below 32 does not guarantee it; the tensors' actual file offsets decide.
     */
    private static void checkMappedAlignment(GgufFile file) {
        if (file.alignment() >= TENSOR_ALIGNMENT) {
            return;
        }
        for (GgufTensorInfo tensor : file.tensors()) {
            long position = file.dataOffset() + tensor.offset();
            if (position % TENSOR_ALIGNMENT != 0) {
                throw new InvalidModelException(GgufFile.ALIGNMENT_KEY, GgufFile.ALIGNMENT_KEY + " = "
                        + file.alignment() + " leaves tensor '" + tensor.name() + "' at file offset " + position
                        + ", not a multiple of " + TENSOR_ALIGNMENT + " as ggml needs for mapped tensor data"
                        + " (load with useMmap(false) to read it instead)"
                        + HyperparameterChecks.aborts("ggml/src/ggml-backend.cpp:2511"));
            }
        }
    }
}
