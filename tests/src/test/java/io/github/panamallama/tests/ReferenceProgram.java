package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.panamallama.LlamaRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * tests/src/test/native/reference_generate.c, compiled against the v0.5.0 headers and linked to
 * the library the Java API loaded: llama.cpp called the plain C way, for comparison.
 */
final class ReferenceProgram {
    private final Path executable;

    private ReferenceProgram(Path executable) {
        this.executable = executable;
    }

    static ReferenceProgram compile(Path workDirectory) throws Exception {
        Path executable = workDirectory.resolve("reference_generate");
        NativeToolchain.compile(NativeToolchain.home().resolve("tests/src/test/native/reference_generate.c"), executable,
                NativeToolchain.linkToLoadedLibrary());
        return new ReferenceProgram(executable);
    }

    /** The output of one run: the generated ids and, with {@code bench}, the timings. */
    record Run(int[] tokens, Map<String, Long> figures) {}

    Run run(Path model, int tokens, String sampler, int threads, String prompt, boolean bench) throws Exception {
        List<String> command = new ArrayList<>(List.of(executable.toString(), model.toString(),
                LlamaRuntime.get().library().directory().toString(), Integer.toString(tokens), sampler,
                Integer.toString(threads), prompt));
        if (bench) {
            command.add("--bench");
        }
        var result = NativeToolchain.ProcessResult.run(command, 600);
        assertEquals(0, result.exitCode(), result.output());
        int[] ids = null;
        Map<String, Long> figures = new LinkedHashMap<>();
        for (String line : result.output().lines().toList()) {
            if (line.startsWith("tokens:")) {
                String list = line.substring("tokens:".length()).trim();
                ids = list.isEmpty() ? new int[0] : Arrays.stream(list.split(" ")).mapToInt(Integer::parseInt).toArray();
            } else if (line.matches("[a-z_]+: -?[0-9]+")) {
                String[] parts = line.split(": ");
                figures.put(parts[0], Long.parseLong(parts[1]));
            }
        }
        if (ids == null) {
            throw new AssertionError("no tokens line in:\n" + result.output());
        }
        return new Run(ids, figures);
    }
}
