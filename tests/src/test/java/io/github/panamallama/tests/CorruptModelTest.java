package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.LlamaModel;
import io.github.panamallama.ModelLoadException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged model files are refused with ModelLoadException naming the file; the JVM lives on. */
class CorruptModelTest {
    @TempDir
    Path temp;

    @Test
    void truncatedFilesAreRefused() throws Exception {
        byte[] model = Files.readAllBytes(TestFixtures.tinyMistralF16());
        for (long cut : new long[] {3, 10, 23, 100, 1_000, 20_000, 60_000, model.length / 2, model.length - 1}) {
            Path truncated = Files.write(temp.resolve("cut-" + cut + ".gguf"), Arrays.copyOf(model, (int) cut));
            ModelLoadException error = assertThrows(ModelLoadException.class, () -> LlamaModel.load(truncated));
            assertTrue(error.getMessage().contains(truncated.toString()), error.getMessage());
        }
    }

    @Test
    void absurdCountsAreRefused() throws Exception {
        byte[] model = Files.readAllBytes(TestFixtures.tinyMistralF16());
        // GGUF header: magic, version (u32), tensor count (u64) at 8, metadata count (u64) at 16.
        for (int offset : new int[] {8, 16}) {
            byte[] damaged = model.clone();
            ByteBuffer.wrap(damaged).order(ByteOrder.LITTLE_ENDIAN).putLong(offset, Long.MAX_VALUE / 3);
            Path file = Files.write(temp.resolve("count-" + offset + ".gguf"), damaged);
            ModelLoadException error = assertThrows(ModelLoadException.class, () -> LlamaModel.load(file));
            assertTrue(error.getMessage().contains("corrupt GGUF"), error.getMessage());
        }
    }
}
