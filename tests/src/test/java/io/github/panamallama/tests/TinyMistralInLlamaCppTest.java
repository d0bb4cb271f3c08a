package io.github.panamallama.tests;
import static io.github.panamallama.internal.llama.llama_h.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.LlamaRuntime;
import io.github.panamallama.fixture.TinyMistralConfig;
import io.github.panamallama.internal.llama.llama_context_params;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture behaves as a test model should inside llama.cpp (through the raw bindings, so
 * this does not depend on the Java API's model classes): llama.cpp tokenizes like
 * SentencePiece's own {@code spm_encode}, and greedy generation gives varied tokens.
 */
class TinyMistralInLlamaCppTest {
    private static final Path NATIVE =
            Path.of(System.getProperty("panamallama.home"), "build", "fixtures", "tiny-mistral", "native");

    @TempDir
    static Path directory;

    private static Arena arena;
    private static MemorySegment model;
    private static MemorySegment vocab;

    @BeforeAll
    static void load() throws IOException {
        LlamaRuntime.get();
        Path gguf = directory.resolve("tiny-mistral-f32.gguf");
        TinyGguf.write(NATIVE, gguf, TinyMistralConfig.DEFAULT);
        arena = Arena.ofShared();
        model = llama_model_load_from_file(arena.allocateFrom(gguf.toString()), llama_model_default_params(arena));
        assertFalse(model.equals(MemorySegment.NULL));
        vocab = llama_model_get_vocab(model);
    }

    @AfterAll
    static void free() {
        llama_model_free(model);
        arena.close();
    }

    @Test
    void llamaCppTokenizesLikeSpmEncode() throws Exception {
        for (String text : List.of("Hello world, the river is quiet.", "Café über naïve 日本 in 2024!",
                "Rockets 🚀 and 한국어 → smörgåsbord", "  two  spaces\tand a tab")) {
            assertEquals(spmEncode(text), tokenize(text), text);
        }
    }

    @Test
    void greedyGenerationGivesVariedTokens() {
        List<Integer> generated = new ArrayList<>();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment params = llama_context_default_params(call);
            llama_context_params.n_ctx(params, 128);
            llama_context_params.n_batch(params, 128);
            llama_context_params.n_threads(params, 1);
            MemorySegment context = llama_init_from_model(model, params);
            assertFalse(context.equals(MemorySegment.NULL));
            try {
                int[] prompt = tokenize("The river and the mountain").stream().mapToInt(Integer::intValue).toArray();
                int[] withBos = new int[prompt.length + 1];
                withBos[0] = 1;
                System.arraycopy(prompt, 0, withBos, 1, prompt.length);
                MemorySegment tokens = call.allocateFrom(ValueLayout.JAVA_INT, withBos);
                assertEquals(0, llama_decode(context, llama_batch_get_one(call, tokens, withBos.length)));
                int vocabulary = llama_vocab_n_tokens(vocab);
                MemorySegment next = call.allocate(ValueLayout.JAVA_INT);
                for (int step = 0; step < 24; step++) {
                    MemorySegment logits = llama_get_logits_ith(context, -1).reinterpret(4L * vocabulary);
                    int best = 0;
                    for (int token = 1; token < vocabulary; token++) {
                        if (logits.getAtIndex(ValueLayout.JAVA_FLOAT, token)
                                > logits.getAtIndex(ValueLayout.JAVA_FLOAT, best)) {
                            best = token;
                        }
                    }
                    generated.add(best);
                    next.set(ValueLayout.JAVA_INT, 0, best);
                    assertEquals(0, llama_decode(context, llama_batch_get_one(call, next, 1)));
                }
            } finally {
                llama_free(context);
            }
        }
        System.out.println("tiny-mistral greedy continuation: " + generated);
        assertTrue(new HashSet<>(generated).size() >= 8, "varied tokens: " + generated);
    }

    private static List<Integer> tokenize(String text) {
        try (Arena call = Arena.ofConfined()) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            MemorySegment bytes = call.allocate(utf8.length + 1);
            bytes.copyFrom(MemorySegment.ofArray(utf8));
            MemorySegment tokens = call.allocate(ValueLayout.JAVA_INT, 256);
            int count = llama_tokenize(vocab, bytes, utf8.length, tokens, 256, false, false);
            assertTrue(count >= 0, "tokenize " + text);
            return Arrays.stream(tokens.asSlice(0, 4L * count).toArray(ValueLayout.JAVA_INT)).boxed().toList();
        }
    }

    private static List<Integer> spmEncode(String text) throws Exception {
        Process process = new ProcessBuilder("spm_encode", "--model=" + NATIVE.resolve("tokenizer.model"),
                "--output_format=id").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (var in = process.outputWriter(StandardCharsets.UTF_8)) {
            in.write(text + "\n");
        }
        String ids = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, process.waitFor());
        return Arrays.stream(ids.split(" ")).map(Integer::valueOf).collect(Collectors.toList());
    }
}
