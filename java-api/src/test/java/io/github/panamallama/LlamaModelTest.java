package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import io.github.panamallama.fixture.TinyLlamaGguf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaModelTest {
    @TempDir
    Path temp;

    @Test
    void vocabOnlyModelMetadata() {
        try (LlamaModel model = TestModels.loadVocab("llama-spm")) {
            assertTrue(model.isVocabOnly());
            Map<String, String> metadata = model.metadata();
            assertEquals("llama", metadata.get("general.architecture"));
            assertEquals("llama", model.architecture());
            assertEquals("llama", metadata.get("tokenizer.ggml.model"));
            assertFalse(metadata.containsKey("tokenizer.ggml.tokens"), "arrays are not given as text");
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                assertEquals(e.getValue(), model.metadata(e.getKey()).orElseThrow(), e.getKey());
            }
            assertTrue(model.metadata("no.such.key").isEmpty());
            assertEquals(0, model.parameterCount());
            assertEquals(32000, model.vocabulary().size());
        }
    }

    @Test
    void tinyLlamaHyperparameters() {
        try (LlamaModel model = LlamaModel.load(TestModels.tinyLlama())) {
            assertFalse(model.isVocabOnly());
            assertEquals("llama", model.architecture());
            assertEquals(TinyLlamaGguf.TRAIN_CONTEXT, model.trainingContextLength());
            assertEquals(TinyLlamaGguf.EMBD, model.embeddingLength());
            assertEquals(TinyLlamaGguf.LAYERS, model.layerCount());
            assertEquals(TinyLlamaGguf.HEADS, model.headCount());
            assertEquals(TinyLlamaGguf.KV_HEADS, model.kvHeadCount());
            assertEquals(1_000_000.0, model.ropeFreqBase().orElseThrow(), 1e-3);
            assertEquals(1.0f, model.ropeFreqScaleTrain());
            int vocab = TinyLlamaGguf.vocabSize();
            int e = TinyLlamaGguf.EMBD;
            int kv = e / TinyLlamaGguf.HEADS * TinyLlamaGguf.KV_HEADS;
            long perLayer = e + e * e + 2L * e * kv + e * e + e + 3L * e * TinyLlamaGguf.FF;
            long expected = 2L * e * vocab + e + TinyLlamaGguf.LAYERS * perLayer;
            assertEquals(expected, model.parameterCount());
            assertEquals(expected * 4, model.sizeBytes());
            assertEquals("tiny-llama-test", model.metadata("general.name").orElseThrow());
            assertEquals(TinyLlamaGguf.LONG_DESCRIPTION, model.metadata("general.description").orElseThrow());
            assertEquals(TinyLlamaGguf.LONG_DESCRIPTION, model.metadata().get("general.description"));
            assertTrue(model.description().startsWith("llama"), model.description());
            assertTrue(model.chatTemplate().isEmpty());
        }
    }

    @Test
    void metadataOverridesApply() {
        ModelOptions options = ModelOptions.builder()
                .override("llama.context_length", 1234L)
                .override("llama.rope.freq_base", 5000.0)
                .build();
        try (LlamaModel model = LlamaModel.load(TestModels.tinyLlama(), options)) {
            assertEquals(1234, model.trainingContextLength());
        }
    }

    @Test
    void badOverridesAreRefused() {
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> ModelOptions.builder().override("k".repeat(128), 1L));
        assertTrue(tooLong.getMessage().contains("128"), tooLong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelOptions.builder().override("", 1L));
        assertThrows(IllegalArgumentException.class, () -> ModelOptions.builder().override("a", "x".repeat(200)));
        assertThrows(IllegalArgumentException.class,
                () -> ModelOptions.builder().override("a", 1L).override("a", true).build());
        assertThrows(IllegalArgumentException.class, () -> ModelOptions.builder().mainGpu(-1).build());
    }

    @Test
    void missingFileNamesThePath() {
        Path missing = temp.resolve("nope.gguf");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> LlamaModel.load(missing));
        assertEquals(missing, e.path());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertEquals("no such file", e.reason());
    }

    @Test
    void directoryIsNotAModel() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> LlamaModel.load(temp));
        assertEquals("not a regular file", e.reason());
    }

    @Test
    void nonGgufFileIsRefusedBeforeLlamaCpp() throws IOException {
        Path text = Files.writeString(temp.resolve("model.gguf"), "hello, not a model");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> LlamaModel.load(text));
        assertTrue(e.reason().contains("not a GGUF"), e.reason());
        Path empty = Files.write(temp.resolve("empty.gguf"), new byte[0]);
        assertThrows(ModelLoadException.class, () -> LlamaModel.load(empty));
    }

    @Test
    void progressListenerSeesProgressUpToOne() {
        List<Float> seen = new ArrayList<>();
        ModelOptions options = ModelOptions.builder().progressListener(p -> seen.add(p)).build();
        try (LlamaModel model = LlamaModel.load(TestModels.tinyLlama(), options)) {
            assertFalse(seen.isEmpty());
            assertEquals(1.0f, seen.getLast());
        }
    }

    @Test
    void progressListenerCanCancel() {
        ModelOptions options = ModelOptions.builder().progressListener(p -> false).build();
        ModelLoadCancelledException e = assertThrows(ModelLoadCancelledException.class,
                () -> LlamaModel.load(TestModels.tinyLlama(), options));
        assertEquals(TestModels.tinyLlama(), e.path());
        assertTrue(e.getMessage().contains("cancelled"), e.getMessage());
    }

    @Test
    void progressListenerExceptionIsRethrownAfterTheNativeCall() {
        IllegalStateException boom = new IllegalStateException("boom");
        ModelOptions options = ModelOptions.builder().progressListener(p -> { throw boom; }).build();
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> LlamaModel.load(TestModels.tinyLlama(), options));
        assertSame(boom, thrown);
    }

    @Test
    void loadOptionsAreAccepted() {
        ModelOptions options = ModelOptions.builder().useMmap(false).useMlock(false).gpuLayers(0)
                .splitMode(SplitMode.NONE).checkTensors(true).build();
        try (LlamaModel model = LlamaModel.load(TestModels.tinyLlama(), options)) {
            assertEquals(TinyLlamaGguf.LAYERS, model.layerCount());
        }
    }

    @Test
    void closedModelThrowsIllegalState() {
        LlamaModel model = TestModels.loadVocab("llama-spm");
        model.close();
        model.close(); // idempotent
        assertTrue(model.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, model::metadata);
        assertTrue(e.getMessage().contains("LlamaModel") && e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, model::vocabulary);
        assertThrows(IllegalStateException.class, model::architecture);
        assertThrows(IllegalStateException.class, () -> model.newContext(ContextOptions.defaults()));
    }

    @Test
    void vocabOnlyModelHasNoContexts() {
        try (LlamaModel model = TestModels.loadVocab("llama-spm")) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> model.newContext(ContextOptions.defaults()));
            assertTrue(e.getMessage().contains("vocabulary-only"), e.getMessage());
        }
    }

    @Test
    void contextKeepsItsModelAliveAfterModelClose() {
        LlamaModel model = LlamaModel.load(TestModels.tinyLlama());
        try (LlamaContext context = model.newContext(ContextOptions.builder().contextLength(64).threads(1).build());
                Batch batch = new Batch(4)) {
            model.close();
            assertThrows(IllegalStateException.class, model::metadata);
            // The native model is still there for the context.
            batch.add(1, 0, false).add(290, 1, true);
            context.decode(batch);
            assertEquals(TinyLlamaGguf.vocabSize(), context.lastLogits().length);
        }
    }

    @Test
    void closeWhileOtherThreadsTokenizeNeverCrashes() throws Exception {
        LlamaModel model = TestModels.loadVocab("llama-spm");
        Vocabulary vocab = model.vocabulary();
        List<Throwable> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger succeeded = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(3);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                running.countDown();
                while (true) {
                    try {
                        vocab.tokenize("The quick brown fox jumps over the lazy dog", true, false);
                        succeeded.incrementAndGet();
                    } catch (IllegalStateException closed) {
                        return; // the expected end
                    } catch (Throwable e) {
                        unexpected.add(e);
                        return;
                    }
                }
            }));
        }
        running.await();
        Thread.sleep(50);
        model.close();
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(List.of(), unexpected);
        assertTrue(succeeded.get() > 0);
    }

    @Test
    void concurrentReadOnlyUseIsSafe() throws Exception {
        try (LlamaModel model = LlamaModel.load(TestModels.tinyLlama())) {
            Map<String, String> expected = model.metadata();
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < 50; i++) {
                            assertEquals(expected, model.metadata());
                            assertEquals(3, model.vocabulary().tokenize("Hello world", true, false).length);
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertEquals(List.of(), failures);
        }
    }
}
