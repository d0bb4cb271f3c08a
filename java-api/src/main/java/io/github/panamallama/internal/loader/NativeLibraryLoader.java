package io.github.panamallama.internal.loader;

import io.github.panamallama.LibrarySource;
import io.github.panamallama.NativeLibrary;
import io.github.panamallama.NativeLibraryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Finds a llama.cpp library of the version the bindings were generated for and loads it into
 * this class loader, where the generated bindings look their symbols up.
 *
 * <p>Each candidate is first opened privately to check its version ({@link VersionProbe}), so a
 * wrong library is reported and skipped rather than bound against. The chosen libraries are
 * then loaded with {@link System#load}, dependencies first.
 */
public final class NativeLibraryLoader {
    private static final String VERSION_RESOURCE = "/io/github/panamallama/nativelib/llama-cpp.properties";

    private final CandidateLocations locations;
    private final String expectedVersion;
    private final Platform platform = Platform.current();

    NativeLibraryLoader(Properties properties, Map<String, String> environment, String expectedVersion) {
        this.locations = new CandidateLocations(properties, environment);
        this.expectedVersion = expectedVersion;
    }

    /** A loader reading this JVM's system properties and environment. */
    public static NativeLibraryLoader fromEnvironment() {
        return new NativeLibraryLoader(System.getProperties(), System.getenv(), expectedVersion());
    }

    /** The llama.cpp release the bindings were generated from, as the build recorded it. */
    public static String expectedVersion() {
        try (InputStream in = NativeLibraryLoader.class.getResourceAsStream(VERSION_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + VERSION_RESOURCE);
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("llama.cpp.version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads the first usable candidate, or throws listing every one tried. */
    public NativeLibrary load() {
        List<String> attempts = new ArrayList<>();
        for (Candidate candidate : locations.candidates()) {
            Optional<String> problem = problemWith(candidate);
            if (problem.isPresent()) {
                attempts.add(candidate.describe() + ": " + problem.get());
                continue;
            }
            Path llama = platform.find(candidate.directory(), "llama").orElseThrow();
            String version;
            try {
                version = VersionProbe.version(llama);
            } catch (VersionProbe.ProbeFailure e) {
                attempts.add(candidate.describe() + ": " + llama.getFileName() + " " + e.getMessage());
                continue;
            }
            if (!VersionProbe.matches(version, expectedVersion)) {
                attempts.add(candidate.describe() + ": " + llama.getFileName() + " is llama.cpp " + version
                        + ", but the bindings were generated for " + expectedVersion);
                continue;
            }
            try {
                loadInOrder(candidate.directory(), llama);
            } catch (UnsatisfiedLinkError e) {
                attempts.add(candidate.describe() + ": loading failed: " + e.getMessage());
                continue;
            }
            return new NativeLibrary(candidate.directory().toAbsolutePath().normalize(), llama, candidate.source(), version);
        }
        throw failure(attempts);
    }

    private Optional<String> problemWith(Candidate candidate) {
        Path directory = candidate.directory();
        if (!Files.exists(directory)) {
            return Optional.of("no such directory");
        }
        if (!Files.isDirectory(directory)) {
            return Optional.of("not a directory");
        }
        if (platform.find(directory, "llama").isEmpty()) {
            return Optional.of("no " + platform.fileName("llama") + " there");
        }
        return Optional.empty();
    }

    /** ggml-base, ggml, then llama: each one's dependencies are in place before it loads. */
    private void loadInOrder(Path directory, Path llama) {
        platform.find(directory, "ggml-base").ifPresent(file -> System.load(file.toAbsolutePath().toString()));
        platform.find(directory, "ggml").ifPresent(file -> System.load(file.toAbsolutePath().toString()));
        System.load(llama.toAbsolutePath().toString());
    }

    private NativeLibraryException failure(List<String> attempts) {
        StringBuilder message = new StringBuilder("No usable llama.cpp " + expectedVersion + " library found. Tried:\n");
        if (attempts.isEmpty()) {
            message.append("  (no location: none was configured)\n");
        }
        attempts.forEach(attempt -> message.append("  - ").append(attempt).append('\n'));
        if (locations.explicit()) {
            message.append("An explicit directory was set, so nothing else was tried (")
                    .append(locations.homeDescription()).append(").\n");
        }
        message.append("To fix: point -D").append(LibrarySource.PROPERTY).append("=DIR or ")
                .append(LibrarySource.ENVIRONMENT).append("=DIR at a directory holding ")
                .append(platform.fileName("llama")).append(" and ").append(platform.fileName("ggml"))
                .append(" of llama.cpp ").append(expectedVersion)
                .append("; or, in a panama-llama checkout, run scripts/fetch-natives.sh (prebuilt) or build the")
                .append(" llama.cpp submodule with CMake, and set -D").append(LibrarySource.HOME_PROPERTY)
                .append("=<checkout>.");
        return new NativeLibraryException(message.toString(), attempts);
    }
}
