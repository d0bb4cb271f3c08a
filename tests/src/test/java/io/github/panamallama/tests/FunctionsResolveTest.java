package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.LlamaRuntime;
import io.github.panamallama.internal.llama.llama_h;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every function the generated bindings declare is exported by the loaded library. */
class FunctionsResolveTest {
    /** llama.h v0.5.0 declares exactly this many functions; the rest come from ggml-symbols.txt. */
    private static final int LLAMA_FUNCTIONS = 241;

    @Test
    void everyDeclaredFunctionResolves() throws Exception {
        LlamaRuntime.get();
        List<Method> addresses = Arrays.stream(llama_h.class.getMethods())
                .filter(method -> Modifier.isStatic(method.getModifiers()))
                .filter(method -> method.getName().endsWith("$address") && method.getParameterCount() == 0)
                .toList();
        List<String> missing = new ArrayList<>();
        for (Method method : addresses) {
            String function = method.getName().substring(0, method.getName().length() - "$address".length());
            try {
                MemorySegment address = (MemorySegment) method.invoke(null);
                assertNotEquals(MemorySegment.NULL, address, function);
            } catch (InvocationTargetException | ExceptionInInitializerError e) {
                missing.add(function);
            }
        }
        assertEquals(List.of(), missing, "functions the bindings declare but the library lacks");
        long llamaFunctions = addresses.stream().filter(method -> method.getName().startsWith("llama_")).count();
        assertEquals(LLAMA_FUNCTIONS, llamaFunctions, "llama_* functions bound");
        assertTrue(addresses.size() > LLAMA_FUNCTIONS, "ggml functions are bound too");
    }
}
