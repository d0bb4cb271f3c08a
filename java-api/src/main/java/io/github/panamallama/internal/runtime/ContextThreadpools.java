package io.github.panamallama.internal.runtime;

import static io.github.panamallama.internal.llama.llama_h.*;

import io.github.panamallama.internal.llama.ggml_threadpool_params;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The persistent ggml CPU threadpools of one context: worker threads that live as long as the
 * context, one pool for single-token generation and one for batches (the same pool when both
 * use the same thread count).
 *
 * <p>Without a pool, ggml's CPU backend creates and joins a fresh worker thread for every graph
 * it computes, that is for every generated token, and the scheduler places each new thread
 * anew. When it lands on the core where the calling thread spins, both wait at ggml's spin
 * barriers until the kernel moves one; generation then runs at a tenth of its speed for as
 * long as that placement repeats. llama.cpp's own tools (llama-cli, llama-server, llama-bench)
 * always attach persistent pools, and so does every context here.
 *
 * <p>The pool functions live in the CPU backend plug-in, not in libggml, so they are reached
 * through the backend's proc-address table as llama.cpp's tools reach them. Their C signatures
 * (ggml-cpu.h): {@code ggml_threadpool_t ggml_threadpool_new(struct ggml_threadpool_params *)}
 * and {@code void ggml_threadpool_free(ggml_threadpool_t)}.
 *
 * <p>A pool that was attached is freed only after the context is: llama.cpp pauses the pool it
 * switches away from at the next decode, so freeing a replaced pool earlier would leave it a
 * dangling pointer.
 */
public final class ContextThreadpools {
    private static final Optional<Functions> FUNCTIONS = Functions.find();

    private final int polling;
    private final List<MemorySegment> pools = new ArrayList<>();
    private MemorySegment generation = MemorySegment.NULL;
    private MemorySegment batch = MemorySegment.NULL;

    private ContextThreadpools(int polling) {
        this.polling = polling;
    }

    /**
     * Pools for {@code threads} and {@code batchThreads} workers (the calling thread counts as
     * one). With no CPU backend offering pools (a GPU-only build, say) there are none, and ggml
     * keeps its per-graph threads.
     */
    public static ContextThreadpools create(int threads, int batchThreads, int polling) {
        ContextThreadpools pools = new ContextThreadpools(polling);
        pools.replace(threads, batchThreads);
        return pools;
    }

    /** Hands the current pools to a context. */
    public void attachTo(MemorySegment context) {
        if (!generation.equals(MemorySegment.NULL)) {
            llama_attach_threadpool(context, generation, batch);
        }
    }

    /** New pools for new thread counts, attached to {@code context}; the old ones stay until {@link #free()}. */
    public void resize(MemorySegment context, int threads, int batchThreads) {
        replace(threads, batchThreads);
        attachTo(context);
    }

    /** Frees every pool this context used; call after llama_free. */
    public void free() {
        FUNCTIONS.ifPresent(functions -> {
            for (MemorySegment pool : pools) {
                try {
                    functions.free().invokeExact(pool);
                } catch (Throwable e) {
                    throw new IllegalStateException("ggml_threadpool_free failed", e);
                }
            }
        });
        pools.clear();
    }

    private void replace(int threads, int batchThreads) {
        if (FUNCTIONS.isEmpty()) {
            return;
        }
        generation = newPool(threads);
        batch = batchThreads == threads ? generation : newPool(batchThreads);
    }

    private MemorySegment newPool(int threads) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment params = call.allocate(ggml_threadpool_params.layout());
            ggml_threadpool_params_init(params, threads);
            ggml_threadpool_params.poll(params, polling);
            MemorySegment pool = (MemorySegment) FUNCTIONS.get().create().invokeExact(params);
            if (pool.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("ggml_threadpool_new returned NULL for " + threads + " threads");
            }
            pools.add(pool);
            return pool;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("ggml_threadpool_new failed", e);
        }
    }

    private record Functions(MethodHandle create, MethodHandle free) {
        static Optional<Functions> find() {
            try (Arena call = Arena.ofConfined()) {
                MemorySegment cpu = ggml_backend_reg_by_name(call.allocateFrom("CPU"));
                if (cpu.equals(MemorySegment.NULL)) {
                    return Optional.empty();
                }
                MemorySegment create = ggml_backend_reg_get_proc_address(cpu, call.allocateFrom("ggml_threadpool_new"));
                MemorySegment free = ggml_backend_reg_get_proc_address(cpu, call.allocateFrom("ggml_threadpool_free"));
                if (create.equals(MemorySegment.NULL) || free.equals(MemorySegment.NULL)) {
                    return Optional.empty();
                }
                Linker linker = Linker.nativeLinker();
                return Optional.of(new Functions(
                        linker.downcallHandle(create, FunctionDescriptor.of(ggml_threadpool_t, ValueLayout.ADDRESS)),
                        linker.downcallHandle(free, FunctionDescriptor.ofVoid(ggml_threadpool_t))));
            }
        }
    }
}
