package io.github.panamallama;

import static io.github.panamallama.internal.llama.llama_h.*;

import io.github.panamallama.internal.runtime.Devices;
import io.github.panamallama.internal.runtime.LoadedLibraries;
import java.nio.file.Path;
import io.github.panamallama.internal.runtime.RuntimeInit;
import java.util.List;

/**
 * The process-wide llama.cpp runtime: loads the native library once (see {@link LibrarySource}
 * for where it looks), registers ggml's backends, and initialises llama.cpp. Every other
 * class obtains it through {@link #get()}; calling it again is free.
 *
 * <p>llama.cpp's log goes to {@link System.Logger} {@code io.github.panamallama.llama.cpp}.
 */
public final class LlamaRuntime {
    private final NativeLibrary library;

    private LlamaRuntime(NativeLibrary library) {
        this.library = library;
    }

    /**
     * The runtime, initialised on first use.
     *
     * @throws NativeLibraryException if no usable llama.cpp library was found; the message
     *     lists every location tried. Later calls throw the same failure again.
     */
    public static LlamaRuntime get() {
        return Holder.INSTANCE.runtime();
    }

    /** The library this process runs on and where it came from. */
    public NativeLibrary library() {
        return library;
    }

    /** The llama.cpp version the library reports (e.g. {@code 0.5.0-dev}). */
    public String llamaVersion() {
        return library.version();
    }

    /** The ggml version inside the library. */
    public String ggmlVersion() {
        return Devices.string(ggml_version());
    }

    /** llama.cpp's own summary of the CPU features and backends in use. */
    public String systemInfo() {
        return Devices.string(llama_print_system_info());
    }

    /** Every device the registered backends offer, the CPU included. */
    public List<BackendDevice> devices() {
        return Devices.list();
    }

    /**
     * The ggml backend plug-ins loaded from the library directory, e.g.
     * {@code libggml-cpu-haswell.so}: the CPU variant ggml chose for this processor. Empty
     * where backends are built in, or where the OS does not say (no /proc).
     */
    public List<Path> backendLibraries() {
        return LoadedLibraries.ggmlFilesIn(library.directory());
    }

    public boolean supportsMmap() {
        return llama_supports_mmap();
    }

    public boolean supportsMlock() {
        return llama_supports_mlock();
    }

    public boolean supportsGpuOffload() {
        return llama_supports_gpu_offload();
    }

    /**
     * Whether this llama.cpp has the RPC backend, which {@link ModelOptions.Builder#rpcServers}
     * needs: a build with {@code GGML_RPC=ON} (the project's CMake build); the prebuilt release has none.
     */
    public boolean supportsRpc() {
        return llama_supports_rpc();
    }

    /** Initialisation outcome, computed once: the runtime or the reason there is none. */
    private record Outcome(LlamaRuntime value, NativeLibraryException failure) {
        LlamaRuntime runtime() {
            if (failure != null) {
                throw new NativeLibraryException(failure.getMessage(), failure.attempts());
            }
            return value;
        }
    }

    private static final class Holder {
        static final Outcome INSTANCE = initialize();

        private static Outcome initialize() {
            try {
                return new Outcome(new LlamaRuntime(RuntimeInit.initialize()), null);
            } catch (NativeLibraryException e) {
                return new Outcome(null, e);
            }
        }
    }
}
