package io.github.panamallama.tests;

import io.github.panamallama.LlamaModel;
import io.github.panamallama.tests.forked.ForkedCases;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Damaged copies of a model, each loaded in {@link CorruptModelTest}'s child JVM; a case returns
 * "loaded" or throws what the load threw. Arguments: the fixture, a scratch directory.
 */
public final class CorruptModelCases implements ForkedCases {
    /** Lengths the fixture is cut to: inside the header, the metadata, the tensor infos and the data. */
    static final long[] CUTS = {3, 10, 23, 100, 200, 1_000, 20_000, 60_000};
    /** GGUF header: tensor count (u64) at 8, metadata count (u64) at 16. */
    static final int[] COUNT_OFFSETS = {8, 16};

    @Override
    public Map<String, Callable<String>> cases(List<String> arguments) throws IOException {
        byte[] model = Files.readAllBytes(Path.of(arguments.get(0)));
        Path scratch = Path.of(arguments.get(1));
        Map<String, Callable<String>> cases = new LinkedHashMap<>();
        long[] cuts = Arrays.copyOf(CUTS, CUTS.length + 2);
        cuts[CUTS.length] = model.length / 2;
        cuts[CUTS.length + 1] = model.length - 1;
        for (long cut : cuts) {
            cases.put("cut-" + cut, () -> load(Files.write(scratch.resolve("cut-" + cut + ".gguf"),
                    Arrays.copyOf(model, (int) cut))));
        }
        for (int offset : COUNT_OFFSETS) {
            byte[] damaged = model.clone();
            ByteBuffer.wrap(damaged).order(ByteOrder.LITTLE_ENDIAN).putLong(offset, Long.MAX_VALUE / 3);
            cases.put("count-" + offset, () -> load(Files.write(scratch.resolve("count-" + offset + ".gguf"), damaged)));
        }
        return cases;
    }

    private static String load(Path file) {
        try (LlamaModel loaded = LlamaModel.load(file)) {
            return "loaded " + loaded.description();
        }
    }
}
