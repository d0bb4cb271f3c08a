package io.github.panamallama.tests;
import static io.github.panamallama.internal.llama.llama_h.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.LlamaRuntime;
import io.github.panamallama.convert.MistralConverter;
import io.github.panamallama.convert.OutputType;
import io.github.panamallama.fixture.TinyMistralConfig;
import io.github.panamallama.gguf.GgufFile;
import io.github.panamallama.gguf.GgufTensorInfo;
import io.github.panamallama.gguf.GgufValue;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The converter on the tiny-Mistral fixture (a real spm_train tokenizer, torch-format .pth and
 * sharded safetensors), cross-checked against TinyGguf, an independent minimal GGUF writer.
 */
class ConvertTinyMistralTest {
    private static final Path FIXTURE = Path.of(System.getProperty("panamallama.home"), "build", "fixtures", "tiny-mistral");

    @TempDir
    static Path directory;
    static Path fromNative;
    static Path fromHuggingFace;
    static Path reference;

    @BeforeAll
    static void convert() throws IOException {
        MistralConverter converter = MistralConverter.builder().outputType(OutputType.F32).name("tiny-mistral").build();
        fromNative = directory.resolve("native.gguf");
        fromHuggingFace = directory.resolve("hf.gguf");
        converter.convert(FIXTURE.resolve("native"), fromNative);
        converter.convert(FIXTURE.resolve("hf"), fromHuggingFace);
        reference = directory.resolve("reference.gguf");
        TinyGguf.write(FIXTURE.resolve("native"), reference, TinyMistralConfig.DEFAULT);
    }

    @Test
    void bothLayoutsConvertToTheSameFile() throws IOException {
        assertEquals(-1, Files.mismatch(fromNative, fromHuggingFace));
    }

    @Test
    void tensorsAndVocabularyMatchTheIndependentWriter() throws IOException {
        try (GgufFile ours = GgufFile.open(fromHuggingFace); GgufFile theirs = GgufFile.open(reference)) {
            assertEquals(theirs.tensors().size(), ours.tensors().size());
            for (GgufTensorInfo info : theirs.tensors()) {
                GgufTensorInfo mine = ours.tensor(info.name()).orElseThrow(() -> new AssertionError(info.name()));
                assertArrayEquals(info.dimensions(), mine.dimensions(), info.name());
                assertEquals(info.type(), mine.type(), info.name());
                assertArrayEquals(read(theirs, info.name()), read(ours, info.name()), info.name());
            }
            for (String key : List.of("tokenizer.ggml.tokens", "tokenizer.ggml.scores", "llama.context_length",
                    "llama.rope.freq_base", "llama.attention.head_count_kv")) {
                assertEquals(theirs.get(key).orElseThrow(), ours.get(key).orElseThrow(), key);
            }
            assertEquals(longs(theirs.get("tokenizer.ggml.token_type").orElseThrow()),
                    longs(ours.get("tokenizer.ggml.token_type").orElseThrow()));
        }
    }

    @Test
    void llamaCppTokenizesTheConvertedVocabularyLikeTheReference() {
        LlamaRuntime.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ours = llama_model_load_from_file(arena.allocateFrom(fromNative.toString()),
                    llama_model_default_params(arena));
            MemorySegment theirs = llama_model_load_from_file(arena.allocateFrom(reference.toString()),
                    llama_model_default_params(arena));
            assertNotEquals(MemorySegment.NULL, ours);
            assertNotEquals(MemorySegment.NULL, theirs);
            try {
                for (String text : List.of("Hello world, the river is quiet.", "Café über naïve 日本 🚀", "  two  spaces")) {
                    int[] expected = tokenize(arena, llama_model_get_vocab(theirs), text);
                    assertTrue(expected.length > 3, text);
                    assertArrayEquals(expected, tokenize(arena, llama_model_get_vocab(ours), text), text);
                }
            } finally {
                llama_model_free(ours);
                llama_model_free(theirs);
            }
        }
    }

    private static int[] tokenize(Arena arena, MemorySegment vocab, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        MemorySegment bytes = arena.allocate(utf8.length + 1);
        bytes.copyFrom(MemorySegment.ofArray(utf8));
        MemorySegment tokens = arena.allocate(ValueLayout.JAVA_INT, 256);
        int count = llama_tokenize(vocab, bytes, utf8.length, tokens, 256, true, false);
        assertTrue(count >= 0, text);
        return tokens.asSlice(0, 4L * count).toArray(ValueLayout.JAVA_INT);
    }

    private static List<Long> longs(GgufValue array) {
        return array.asList().stream().map(GgufValue::asLong).toList();
    }

    private static byte[] read(GgufFile gguf, String name) throws IOException {
        try (InputStream in = Channels.newInputStream(gguf.openTensorData(name))) {
            return in.readAllBytes();
        }
    }
}
