package io.github.panamallama.benchmarks;

import io.github.panamallama.Batch;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.Sampler;
import io.github.panamallama.Vocabulary;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * The native pointers behind API objects, for benchmarks that call llama.cpp directly (raw FFM
 * downcalls, C loops) on the very objects the API made. The API keeps them private on purpose
 * (no public signature exposes native memory); these benchmarks run on the class path and read
 * them reflectively, which applications must not do.
 */
final class NativeHandles {
    private NativeHandles() {}

    static MemorySegment model(LlamaModel model) {
        return (MemorySegment) call(LlamaModel.class, "handle", model);
    }

    /** The {@code llama_vocab}. */
    static MemorySegment vocabulary(Vocabulary vocabulary) {
        return (MemorySegment) call(Vocabulary.class, "handle", vocabulary);
    }

    /** The {@code llama_context}, which the facade keeps in its ContextCore. */
    static MemorySegment context(LlamaContext context) {
        Object core = field(LlamaContext.class, "core", context);
        return (MemorySegment) call(core.getClass(), "handle", core);
    }

    /** The {@code llama_batch} struct the API passes to {@code llama_decode}. */
    static MemorySegment batch(Batch batch) {
        return (MemorySegment) call(Batch.class, "struct", batch);
    }

    /** The {@code llama_sampler} chain. */
    static MemorySegment sampler(Sampler sampler) {
        return (MemorySegment) field(Sampler.class, "chain", sampler);
    }

    private static Object field(Class<?> type, String name, Object target) {
        try {
            Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field.get(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getSimpleName() + " has no field " + name + ": this benchmark needs updating", e);
        }
    }

    private static Object call(Class<?> type, String method, Object target) {
        try {
            Method accessor = type.getDeclaredMethod(method);
            accessor.setAccessible(true);
            return accessor.invoke(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getSimpleName() + " has no " + method + "(): this benchmark needs updating", e);
        }
    }
}
