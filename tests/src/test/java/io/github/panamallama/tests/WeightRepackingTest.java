package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.LlamaModel;
import io.github.panamallama.LlamaRuntime;
import io.github.panamallama.ModelOptions;
import io.github.panamallama.internal.llama.llama_h;
import io.github.panamallama.internal.llama.llama_model_params;
import io.github.panamallama.internal.runtime.NativeLog;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ModelOptions.weightRepacking} reaches llama.cpp: on the Q4_0 fixture, llama.cpp reports
 * a CPU_REPACK weight buffer when it is on (the default) and none when it is off, while the
 * file's mapped buffer grows by what is no longer repacked.
 */
class WeightRepackingTest {
    /** llama.cpp's load_tensors line, one per weight buffer: "CPU_REPACK model buffer size = 1.23 MiB". */
    private static final Pattern BUFFER = Pattern.compile("(\\S+) model buffer size =\\s+([0-9.]+) MiB");

    @Test
    void defaultIsLlamaCpps() {
        LlamaRuntime.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = llama_h.llama_model_default_params(arena);
            assertEquals(llama_model_params.use_extra_bufts(params), ModelOptions.defaults().weightRepacking());
        }
    }

    @Test
    void switchDecidesWhetherQ4WeightsAreRepacked() {
        LlamaRuntime.get();
        List<String> on = bufferLines(ModelOptions.defaults());
        List<String> off = bufferLines(ModelOptions.builder().weightRepacking(false).build());
        assertTrue(on.stream().anyMatch(line -> line.startsWith("CPU_REPACK ")),
                "repacking on: a CPU_REPACK buffer (this CPU has AVX2, whose Q4_0 kernels use it): " + on);
        assertTrue(off.stream().noneMatch(line -> line.startsWith("CPU_REPACK ")), "repacking off: " + off);
        assertTrue(mappedMiB(off) > mappedMiB(on),
                "the weights not repacked stay in the mapped buffer: on " + on + ", off " + off);
    }

    /** "NAME MiB" for each weight buffer llama.cpp reports while loading the Q4_0 fixture with {@code options}. */
    private static List<String> bufferLines(ModelOptions options) {
        List<String> buffers = new ArrayList<>();
        try (NativeLog.Observation log = NativeLog.observe(message -> {
            Matcher buffer = BUFFER.matcher(message);
            if (buffer.find()) {
                buffers.add(buffer.group(1) + " " + buffer.group(2));
            }
        }); LlamaModel model = LlamaModel.load(TestFixtures.tinyMistralQ4(), options)) {
            assertTrue(model.parameterCount() > 0);
        }
        assertTrue(!buffers.isEmpty(), "llama.cpp reported its weight buffers");
        return buffers;
    }

    private static double mappedMiB(List<String> buffers) {
        return buffers.stream().filter(line -> line.startsWith("CPU_Mapped ") || line.startsWith("CPU "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1))).sum();
    }
}
