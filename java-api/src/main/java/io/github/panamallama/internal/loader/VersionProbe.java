package io.github.panamallama.internal.loader;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Reads {@code llama_version()} from a library opened privately and closed again, so that a
 * library of the wrong version never becomes the one the bindings resolve against.
 */
final class VersionProbe {
    private static final long MAX_VERSION_LENGTH = 64;

    private VersionProbe() {}

    /** @throws ProbeFailure if the file cannot be opened or has no llama_version */
    static String version(Path llama) {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup lookup;
            try {
                lookup = SymbolLookup.libraryLookup(llama, arena);
            } catch (IllegalArgumentException e) {
                throw new ProbeFailure("cannot be opened: " + e.getMessage());
            }
            MemorySegment function = lookup.find("llama_version")
                    .orElseThrow(() -> new ProbeFailure("has no llama_version(): older than the llama.cpp 0.x releases"));
            MethodHandle handle = Linker.nativeLinker().downcallHandle(function, FunctionDescriptor.of(ValueLayout.ADDRESS));
            MemorySegment text = (MemorySegment) handle.invokeExact();
            if (text.equals(MemorySegment.NULL)) {
                throw new ProbeFailure("llama_version() returned NULL");
            }
            return text.reinterpret(MAX_VERSION_LENGTH).getString(0);
        } catch (ProbeFailure e) {
            throw e;
        } catch (Throwable e) {
            throw new ProbeFailure("llama_version() failed: " + e);
        }
    }

    /** Whether a reported version ({@code 0.5.0} or a dev build {@code 0.5.0-dev}) is the expected release. */
    static boolean matches(String reported, String expected) {
        int suffix = reported.indexOf('-');
        String release = suffix < 0 ? reported : reported.substring(0, suffix);
        return release.equals(expected);
    }

    static final class ProbeFailure extends RuntimeException {
        ProbeFailure(String message) {
            super(message, null, false, false);
        }
    }
}
