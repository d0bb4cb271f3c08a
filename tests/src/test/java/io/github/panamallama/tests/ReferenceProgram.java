package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.panamallama.LlamaRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

    /** The token ids one run generated. */
    int[] run(Path model, int tokens, String sampler, int threads, String prompt) throws Exception {
        List<String> command = new ArrayList<>(List.of(executable.toString(), model.toString(),
                LlamaRuntime.get().library().directory().toString(), Integer.toString(tokens), sampler,
                Integer.toString(threads), prompt));
        var result = NativeToolchain.ProcessResult.run(command, 600);
        assertEquals(0, result.exitCode(), result.output());
        for (String line : result.output().lines().toList()) {
            if (line.startsWith("tokens:")) {
                String list = line.substring("tokens:".length()).trim();
                return list.isEmpty() ? new int[0] : Arrays.stream(list.split(" ")).mapToInt(Integer::parseInt).toArray();
            }
        }
        throw new AssertionError("no tokens line in:\n" + result.output());
    }
}
