package io.github.panamallama.convert;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.panamallama.convert.pytorch.PyTorchCheckpoint;
import io.github.panamallama.convert.safetensors.SafetensorsCheckpoint;
import io.github.panamallama.convert.sentencepiece.SentencePieceModel;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A model directory opened for conversion, in either {@link CheckpointLayout}: its
 * hyperparameters, its SentencePiece tokenizer and its weights.
 */
public final class ModelDirectory implements Closeable {
    /**
     * Mistral's {@code params.json} does not state the training context; Mistral 7B v0.2 was
     * trained for 32768 tokens. Override it for other native checkpoints.
     */
    public static final int DEFAULT_NATIVE_CONTEXT_LENGTH = 32768;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final CheckpointLayout layout;
    private final LlamaHyperparameters hyperparameters;
    private final SentencePieceModel tokenizer;
    private final Checkpoint checkpoint;

    private ModelDirectory(Path path, CheckpointLayout layout, LlamaHyperparameters hyperparameters,
            SentencePieceModel tokenizer, Checkpoint checkpoint) {
        this.path = path;
        this.layout = layout;
        this.hyperparameters = hyperparameters;
        this.tokenizer = tokenizer;
        this.checkpoint = checkpoint;
    }

    /**
     * Opens a directory: reads the configuration and tokenizer, and opens (without reading
     * tensor data) the checkpoint.
     *
     * @throws IOException if the layout is unrecognised, a file is missing or malformed; the
     *     message names the file and the field
     */
    public static ModelDirectory open(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new IOException(directory + " is not a directory");
        }
        CheckpointLayout layout = CheckpointLayout.detect(directory).orElseThrow(() -> new IOException(
                directory + " holds neither params.json (Mistral native layout) nor config.json (Hugging Face layout)"));
        Path tokenizerFile = directory.resolve("tokenizer.model");
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new IOException(directory + " has no tokenizer.model (SentencePiece)");
        }
        SentencePieceModel tokenizer = SentencePieceModel.read(tokenizerFile);
        LlamaHyperparameters hyperparameters = switch (layout) {
            case NATIVE -> fromParamsJson(directory.resolve("params.json"), tokenizer.pieces().size());
            case HUGGING_FACE -> fromConfigJson(directory.resolve("config.json"), tokenizer.pieces().size());
        };
        Checkpoint checkpoint = switch (layout) {
            case NATIVE -> openNativeWeights(directory);
            case HUGGING_FACE -> SafetensorsCheckpoint.open(directory);
        };
        return new ModelDirectory(directory, layout, hyperparameters, tokenizer, checkpoint);
    }

    private static Checkpoint openNativeWeights(Path directory) throws IOException {
        List<Path> pth;
        try (Stream<Path> files = Files.list(directory)) {
            pth = files.filter(f -> f.getFileName().toString().matches("consolidated\\.\\d+\\.pth")).sorted().toList();
        }
        if (pth.size() > 1) {
            throw new IOException(directory + " holds " + pth.size()
                    + " model-parallel shards (consolidated.NN.pth); only single-file checkpoints are supported");
        }
        if (pth.size() == 1) {
            return PyTorchCheckpoint.open(pth.getFirst());
        }
        Path safetensors = directory.resolve("consolidated.safetensors");
        if (Files.isRegularFile(safetensors)) {
            return SafetensorsCheckpoint.open(safetensors);
        }
        throw new IOException(directory + " has params.json but no consolidated.00.pth or consolidated.safetensors");
    }

    static LlamaHyperparameters fromParamsJson(Path file, int tokenizerSize) throws IOException {
        JsonNode params = readObject(file);
        int dim = integer(params, "dim", file);
        int heads = integer(params, "n_heads", file);
        int vocab = params.has("vocab_size") ? integer(params, "vocab_size", file) : -1;
        int context = params.has("max_position_embeddings") ? integer(params, "max_position_embeddings", file)
                : params.has("max_seq_len") ? integer(params, "max_seq_len", file) : DEFAULT_NATIVE_CONTEXT_LENGTH;
        return build(file, () -> new LlamaHyperparameters(dim, integer(params, "n_layers", file),
                integer(params, "hidden_dim", file), heads,
                params.has("n_kv_heads") ? integer(params, "n_kv_heads", file) : heads,
                params.has("head_dim") ? integer(params, "head_dim", file) : dim / heads,
                context,
                params.has("rope_theta") ? number(params, "rope_theta", file) : 10000.0,
                number(params, "norm_eps", file),
                vocab > 0 ? vocab : tokenizerSize));
    }

    static LlamaHyperparameters fromConfigJson(Path file, int tokenizerSize) throws IOException {
        JsonNode config = readObject(file);
        int dim = integer(config, "hidden_size", file);
        int heads = integer(config, "num_attention_heads", file);
        return build(file, () -> new LlamaHyperparameters(dim, integer(config, "num_hidden_layers", file),
                integer(config, "intermediate_size", file), heads,
                config.hasNonNull("num_key_value_heads") ? integer(config, "num_key_value_heads", file) : heads,
                config.hasNonNull("head_dim") ? integer(config, "head_dim", file) : dim / heads,
                integer(config, "max_position_embeddings", file),
                config.hasNonNull("rope_theta") ? number(config, "rope_theta", file) : 10000.0,
                number(config, "rms_norm_eps", file),
                config.hasNonNull("vocab_size") ? integer(config, "vocab_size", file) : tokenizerSize));
    }

    private interface ConfigReader {
        LlamaHyperparameters read() throws IOException;
    }

    private static LlamaHyperparameters build(Path file, ConfigReader reader) throws IOException {
        try {
            return reader.read();
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode readObject(Path file) throws IOException {
        JsonNode node;
        try {
            node = JSON.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IOException(file + ": not a JSON object");
        }
        return node;
    }

    private static int integer(JsonNode object, String field, Path file) throws IOException {
        JsonNode value = object.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new IOException(file + ": \"" + field + "\" must be an integer but is " + value);
        }
        return value.intValue();
    }

    private static double number(JsonNode object, String field, Path file) throws IOException {
        JsonNode value = object.get(field);
        if (value == null || !value.isNumber()) {
            throw new IOException(file + ": \"" + field + "\" must be a number but is " + value);
        }
        return value.doubleValue();
    }

    public Path path() {
        return path;
    }

    public CheckpointLayout layout() {
        return layout;
    }

    public LlamaHyperparameters hyperparameters() {
        return hyperparameters;
    }

    public SentencePieceModel tokenizer() {
        return tokenizer;
    }

    public Checkpoint checkpoint() {
        return checkpoint;
    }

    @Override
    public void close() throws IOException {
        checkpoint.close();
    }
}
