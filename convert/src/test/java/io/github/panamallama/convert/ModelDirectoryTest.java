package io.github.panamallama.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryTest {
    @TempDir
    Path dir;

    static final LlamaHyperparameters MISTRAL_7B_V02 =
            new LlamaHyperparameters(4096, 32, 14336, 32, 8, 128, 32768, 1e6, 1e-5, 32000);

    @Test
    void readsMistralParamsJson() throws IOException {
        Path params = dir.resolve("params.json");
        Files.writeString(params, """
                {"dim": 4096, "n_layers": 32, "head_dim": 128, "hidden_dim": 14336, "n_heads": 32, "n_kv_heads": 8,
                 "norm_eps": 1e-05, "vocab_size": 32000, "rope_theta": 1000000.0}""");
        assertEquals(MISTRAL_7B_V02, ModelDirectory.fromParamsJson(params, 1));
    }

    @Test
    void readsHuggingFaceConfigJson() throws IOException {
        Path config = dir.resolve("config.json");
        Files.writeString(config, """
                {"architectures": ["MistralForCausalLM"], "hidden_size": 4096, "intermediate_size": 14336,
                 "max_position_embeddings": 32768, "num_attention_heads": 32, "num_hidden_layers": 32,
                 "num_key_value_heads": 8, "rms_norm_eps": 1e-05, "rope_theta": 1000000.0,
                 "sliding_window": null, "vocab_size": 32000}""");
        assertEquals(MISTRAL_7B_V02, ModelDirectory.fromConfigJson(config, 1));
    }

    @Test
    void appliesDefaultsWhereKeysAreOptional() throws IOException {
        Path params = dir.resolve("params.json");
        Files.writeString(params, """
                {"dim": 256, "n_layers": 2, "hidden_dim": 512, "n_heads": 8, "norm_eps": 1e-06, "vocab_size": -1}""");
        assertEquals(new LlamaHyperparameters(256, 2, 512, 8, 8, 32, ModelDirectory.DEFAULT_NATIVE_CONTEXT_LENGTH,
                10000.0, 1e-6, 123), ModelDirectory.fromParamsJson(params, 123));
    }

    @Test
    void namesTheBadField() throws IOException {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"hidden_size\": \"big\"}");
        IOException e = assertThrows(IOException.class, () -> ModelDirectory.fromConfigJson(config, 1));
        assertTrue(e.getMessage().contains("\"hidden_size\" must be an integer but is \"big\""), e.getMessage());
        Files.writeString(config, "{\"hidden_size\": 64, \"num_attention_heads\": 3, \"num_hidden_layers\": 1,"
                + " \"intermediate_size\": 8, \"max_position_embeddings\": 16, \"rms_norm_eps\": 1e-5}");
        IOException odd = assertThrows(IOException.class, () -> ModelDirectory.fromConfigJson(config, 1));
        assertTrue(odd.getMessage().contains("headDimension must be even"), odd.getMessage());
        Files.writeString(config, "{not json");
        assertTrue(assertThrows(IOException.class, () -> ModelDirectory.fromConfigJson(config, 1))
                .getMessage().contains("not valid JSON"));
    }

    @Test
    void detectsTheLayout() throws IOException {
        assertEquals(Optional.empty(), CheckpointLayout.detect(dir));
        Files.writeString(dir.resolve("config.json"), "{}");
        assertEquals(Optional.of(CheckpointLayout.HUGGING_FACE), CheckpointLayout.detect(dir));
        Files.writeString(dir.resolve("params.json"), "{}");
        assertEquals(Optional.of(CheckpointLayout.NATIVE), CheckpointLayout.detect(dir));
    }

    @Test
    void nativeLayoutMayCarryConsolidatedSafetensors() throws IOException {
        TinyModel model = new TinyModel(2);
        Path pth = model.writeNative(dir.resolve("pth"));
        Path safetensors = model.writeNative(dir.resolve("st"));
        Files.delete(safetensors.resolve("consolidated.00.pth"));
        var writer = new io.github.panamallama.fixture.SafetensorsWriter();
        model.weights.forEach((name, data) -> writer.add(name, "BF16", model.shapes.get(name), data));
        writer.write(safetensors.resolve("consolidated.safetensors"));
        Path a = dir.resolve("a.gguf");
        Path b = dir.resolve("b.gguf");
        MistralConverter converter = MistralConverter.builder().name("same").build();
        converter.convert(pth, a);
        converter.convert(safetensors, b);
        assertEquals(-1, Files.mismatch(a, b));
        Files.delete(safetensors.resolve("consolidated.safetensors"));
        IOException e = assertThrows(IOException.class, () -> ModelDirectory.open(safetensors));
        assertTrue(e.getMessage().contains("no consolidated.00.pth or consolidated.safetensors"), e.getMessage());
    }

    @Test
    void opensBothLayoutsOfTheTinyModel() throws IOException {
        TinyModel model = new TinyModel(1);
        try (ModelDirectory native_ = ModelDirectory.open(model.writeNative(dir.resolve("n")));
                ModelDirectory hf = ModelDirectory.open(model.writeHuggingFace(dir.resolve("h"), true))) {
            assertEquals(CheckpointLayout.NATIVE, native_.layout());
            assertEquals(CheckpointLayout.HUGGING_FACE, hf.layout());
            assertEquals(native_.hyperparameters(), hf.hyperparameters());
            assertEquals(TinyModel.PIECES, hf.tokenizer().pieces().size());
            assertEquals(model.weights.size(), native_.checkpoint().tensors().size());
            assertEquals(model.weights.size(), hf.checkpoint().tensors().size());
        }
    }
}
