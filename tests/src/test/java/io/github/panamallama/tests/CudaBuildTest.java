package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The CUDA build of llama.cpp ({@code scripts/build-llama-cpp-cuda.sh}, into
 * {@code build/natives/cuda/}) loads through the loader's explicit directory, registers ggml's
 * CUDA backend, and on a machine without a GPU says so in its log and runs on the CPU: asking
 * for every layer on the GPU then generates exactly what a CPU-only load does. With a GPU, the
 * backend must offer it. Skipped when no CUDA build exists: building one is not part of CI.
 */
class CudaBuildTest {
    private static final Pattern CUDA_DEVICES = Pattern.compile("(?m)^cuda devices: (-?\\d+)$");

    @Test
    void loadsAndRunsWithOrWithoutGpu() throws Exception {
        Path build = NativeToolchain.home().resolve("build").resolve("natives").resolve("cuda").toAbsolutePath().normalize();
        // libllama is linked last: with it and the CUDA backend there, the build is complete.
        assumeTrue(Files.isRegularFile(build.resolve("libggml-cuda.so")) && Files.isRegularFile(build.resolve("libllama.so")),
                "no CUDA build in " + build + ": scripts/build-llama-cpp-cuda.sh makes one (not part of CI)");

        var result = JavaProcess.run(Map.of("panamallama.library.path", build.toString(),
                        "panamallama.home", NativeToolchain.home().toString()), Map.of(),
                CudaBuildProbe.class.getName(), TestFixtures.tinyMistralF16().toString());
        String output = result.output();
        assertEquals(0, result.exitCode(), "a clean run, not a crash:\n" + output);
        assertTrue(output.contains("source: EXPLICIT_PROPERTY\n"), output);
        assertTrue(output.contains("directory: " + build + "\n"), output);
        assertTrue(output.contains("cuda backend: registered\n"), output);
        assertTrue(output.contains("device: CPU CPU CPU\n"), output);

        Matcher devices = CUDA_DEVICES.matcher(output);
        assertTrue(devices.find(), output);
        int cudaDevices = Integer.parseInt(devices.group(1));
        if (gpuPresent()) {
            assertTrue(cudaDevices > 0, "a GPU is present, the CUDA backend must offer it:\n" + output);
            assertTrue(output.contains("device: CUDA GPU CUDA0\n"), output);
        } else {
            assertEquals(0, cudaDevices, output);
            assertTrue(output.contains("failed to initialize CUDA"), "ggml logs why there is no device:\n" + output);
            assertFalse(output.contains("device: CUDA"), output);
            String offloaded = line(output, "offloaded tokens: ");
            assertFalse(offloaded.equals("[]"), output);
            assertEquals(line(output, "cpu tokens: "), offloaded, "no GPU: the layers stay on the CPU\n" + output);
        }
    }

    /** The NVIDIA driver's device node: where it is missing, no CUDA device can exist. */
    private static boolean gpuPresent() {
        return Files.exists(Path.of("/dev/nvidia0"));
    }

    private static String line(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> l.substring(prefix.length()))
                .orElseThrow(() -> new AssertionError("no '" + prefix + "' line in:\n" + output));
    }
}
