package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.panamallama.LlamaRuntime;
import io.github.panamallama.internal.llama.llama_h;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated layouts against C itself: a C program, generated from the list of bound
 * structs and compiled against the v0.5.0 headers, prints every struct's size, every
 * field's offset and the default parameter values; the Java side must see the same.
 */
class AbiTest {
    /** Default-parameter functions and the struct each returns. */
    private static final Map<String, String> DEFAULTS = Map.of(
            "llama_model_params", "llama_model_default_params",
            "llama_context_params", "llama_context_default_params",
            "llama_sampler_chain_params", "llama_sampler_chain_default_params",
            "llama_model_quantize_params", "llama_model_quantize_default_params");

    @TempDir
    static Path work;
    static Map<String, StructLayout> layouts;
    static Map<String, String> fromC;

    @BeforeAll
    static void runCProgram() throws Exception {
        assumeTrue(NativeToolchain.headerTree().isPresent(),
                "no llama.cpp v0.5.0 headers: run scripts/fetch-natives.sh or check out the submodule");
        assumeTrue(NativeToolchain.compiler().isPresent(), "no C compiler (cc/gcc/clang) on PATH");
        Path libraryDirectory = LlamaRuntime.get().library().directory();
        Path llama = LlamaRuntime.get().library().llama();
        layouts = StructLayouts.all();
        Path source = work.resolve("abi.c");
        Files.writeString(source, cProgram(layouts));
        Path program = work.resolve("abi");
        NativeToolchain.compile(source, program, List.of(llama.toString(), "-Wl,-rpath," + libraryDirectory));
        NativeToolchain.ProcessResult result = NativeToolchain.ProcessResult.run(List.of(program.toString()), 60);
        assertEquals(0, result.exitCode(), result.output());
        fromC = new LinkedHashMap<>();
        result.output().lines().filter(line -> line.startsWith("@ ")).forEach(line -> {
            int space = line.lastIndexOf(' ');
            fromC.put(line.substring(2, space), line.substring(space + 1));
        });
    }

    @Test
    void structSizesMatchC() {
        assertFalse(layouts.isEmpty());
        layouts.forEach((name, layout) ->
                assertEquals(fromC.get("size " + name), Long.toString(layout.byteSize()), "sizeof(struct " + name + ")"));
    }

    @Test
    void fieldOffsetsMatchC() {
        int fields = 0;
        for (var entry : layouts.entrySet()) {
            for (StructLayouts.Field member : StructLayouts.fields(entry.getValue())) {
                String field = member.cName();
                long offset = entry.getValue().byteOffset(member.path().toArray(MemoryLayout.PathElement[]::new));
                assertEquals(fromC.get("offset " + entry.getKey() + "." + field), Long.toString(offset),
                        "offsetof(struct " + entry.getKey() + ", " + field + ")");
                fields++;
            }
        }
        assertFalse(fields < 100, "only " + fields + " fields compared");
    }

    @Test
    void defaultParametersReadThroughGeneratedLayoutsMatchC() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            for (var entry : DEFAULTS.entrySet()) {
                StructLayout layout = layouts.get(entry.getKey());
                MemorySegment defaults = (MemorySegment) llama_h.class
                        .getMethod(entry.getValue(), SegmentAllocator.class).invoke(null, arena);
                for (StructLayouts.Field member : StructLayouts.fields(layout)) {
                    String field = member.cName();
                    String javaValue = javaValue(defaults, layout, member);
                    if (javaValue != null) {
                        assertEquals(fromC.get("default " + entry.getKey() + "." + field), javaValue,
                                entry.getValue() + "()." + field);
                    }
                }
            }
        }
    }

    /** A few v0.5.0 defaults spelled out, so a wrong reading on both sides cannot pass. */
    @Test
    void knownDefaultValues() {
        assertEquals("512", fromC.get("default llama_context_params.n_ctx"));
        assertEquals("2048", fromC.get("default llama_context_params.n_batch"));
        assertEquals("512", fromC.get("default llama_context_params.n_ubatch"));
        assertEquals("1", fromC.get("default llama_context_params.offload_kqv"));
        assertEquals(Integer.toUnsignedString(Float.floatToRawIntBits(-1.0f)),
                fromC.get("default llama_context_params.yarn_ext_factor"));
        assertEquals("-1", fromC.get("default llama_model_params.n_gpu_layers"));
        assertEquals("0", fromC.get("default llama_model_params.vocab_only"));
    }

    /** The value as the C program prints it, or null for members it does not print. */
    private static String javaValue(MemorySegment struct, StructLayout layout, StructLayouts.Field field) {
        if (!(field.layout() instanceof ValueLayout)) {
            return null;
        }
        var handle = layout.varHandle(field.path().toArray(MemoryLayout.PathElement[]::new));
        return switch (field.layout()) {
            case ValueLayout.OfInt ignored -> Integer.toString((int) handle.get(struct, 0L));
            case ValueLayout.OfLong ignored -> Long.toString((long) handle.get(struct, 0L));
            case ValueLayout.OfByte ignored -> Byte.toString((byte) handle.get(struct, 0L));
            case ValueLayout.OfBoolean ignored -> ((boolean) handle.get(struct, 0L)) ? "1" : "0";
            case ValueLayout.OfFloat ignored -> Integer.toUnsignedString(Float.floatToRawIntBits((float) handle.get(struct, 0L)));
            case ValueLayout.OfDouble ignored -> Long.toUnsignedString(Double.doubleToRawLongBits((double) handle.get(struct, 0L)));
            case AddressLayout ignored -> ((MemorySegment) handle.get(struct, 0L)).equals(MemorySegment.NULL) ? "0" : "1";
            default -> null;
        };
    }

    private static String cProgram(Map<String, StructLayout> layouts) {
        List<String> body = new ArrayList<>();
        layouts.forEach((name, layout) -> {
            body.add("printf(\"@ size %s %%zu\\n\", sizeof(struct %s));".formatted(name, name));
            for (StructLayouts.Field member : StructLayouts.fields(layout)) {
                String field = member.cName();
                body.add("printf(\"@ offset %s.%s %%zu\\n\", offsetof(struct %s, %s));".formatted(name, field, name, field));
            }
        });
        DEFAULTS.forEach((struct, function) -> {
            body.add("{ struct %s p = %s();".formatted(struct, function));
            for (StructLayouts.Field member : StructLayouts.fields(layouts.get(struct))) {
                String field = member.cName();
                String print = switch (member.layout()) {
                    case ValueLayout.OfInt ignored -> "printf(\"@ default %s.%s %%lld\\n\", (long long)(int32_t) p.%s);";
                    case ValueLayout.OfLong ignored -> "printf(\"@ default %s.%s %%lld\\n\", (long long) p.%s);";
                    case ValueLayout.OfByte ignored -> "printf(\"@ default %s.%s %%d\\n\", (int)(int8_t) p.%s);";
                    case ValueLayout.OfBoolean ignored -> "printf(\"@ default %s.%s %%d\\n\", p.%s ? 1 : 0);";
                    case ValueLayout.OfFloat ignored -> "{ float f = p.%3$s; uint32_t u; memcpy(&u, &f, 4); printf(\"@ default %1$s.%2$s %%u\\n\", u); }";
                    case ValueLayout.OfDouble ignored -> "{ double d = p.%3$s; uint64_t u; memcpy(&u, &d, 8); printf(\"@ default %1$s.%2$s %%llu\\n\", (unsigned long long) u); }";
                    case AddressLayout ignored -> "printf(\"@ default %s.%s %%d\\n\", p.%s != NULL ? 1 : 0);";
                    default -> null;
                };
                if (print != null) {
                    body.add(print.formatted(struct, field, field));
                }
            }
            body.add("}");
        });
        return """
                #include <stddef.h>
                #include <stdint.h>
                #include <stdio.h>
                #include <string.h>
                #include "llama.h"
                #include "ggml-backend.h"
                int main(void) {
                %s
                    return 0;
                }
                """.formatted(String.join("\n", body));
    }
}
