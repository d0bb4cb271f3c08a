package io.github.panamallama.internal.runtime;

import static io.github.panamallama.internal.llama.llama_h.*;

import io.github.panamallama.NativeLibrary;
import io.github.panamallama.internal.loader.NativeLibraryLoader;
import java.lang.foreign.Arena;

/** The one-time process setup: load the library, route its log, register backends, init. */
public final class RuntimeInit {
    private RuntimeInit() {}

    public static NativeLibrary initialize() {
        NativeLibrary library = NativeLibraryLoader.fromEnvironment().load();
        NativeLog.install();
        // The CPU backend of the prebuilt release is a plug-in beside libllama: without this
        // no CPU device exists. For a CMake build with built-in backends it finds nothing new.
        try (Arena arena = Arena.ofConfined()) {
            ggml_backend_load_all_from_path(arena.allocateFrom(library.directory().toString()));
        }
        llama_backend_init();
        return library;
    }
}
