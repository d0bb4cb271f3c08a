package io.github.panamallama.internal.loader;

import io.github.panamallama.LibrarySource;
import io.github.panamallama.NativeLibrary;
import io.github.panamallama.NativeLibraryException;
import io.github.panamallama.internal.loader.bundle.CacheRoots;
import io.github.panamallama.internal.loader.bundle.NativesCache;
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
import java.util.function.Supplier;

/**
 * Finds a llama.cpp library of the version the bindings were generated for and loads it into
 * this class loader, where the generated bindings look their symbols up.
 *
 * <p>Each candidate is first opened privately to check its version ({@link VersionProbe}), so a
 * wrong library is reported and skipped rather than bound against. The chosen libraries are
 * then loaded with {@link System#load}, dependencies first. A natives jar is extracted into the
 * cache ({@link NativesCache}) when its turn comes, not before.
 */
public final class NativeLibraryLoader {
    private static final String VERSION_RESOURCE = "/io/github/panamallama/nativelib/llama-cpp.properties";

    private final CandidateLocations locations;
    private final NativesCache cache;
    private final String expectedVersion;
    private final Platform platform = Platform.current();

    NativeLibraryLoader(Properties properties, Map<String, String> environment, String expectedVersion,
                        Supplier<List<Candidate>> bundles) {
        this.locations = new CandidateLocations(properties, environment, platform, bundles);
        this.cache = new NativesCache(CacheRoots.of(properties, environment));
        this.expectedVersion = expectedVersion;
    }

    /** A loader reading this JVM's system properties, environment, and class or module path. */
    public static NativeLibraryLoader fromEnvironment() {
        String expected = expectedVersion();
        return new NativeLibraryLoader(System.getProperties(), System.getenv(), expected,
                () -> BundleDiscovery.fromServiceLoader(Platform.current(), expected));
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
            Optional<NativeLibrary> loaded = switch (candidate) {
                case Candidate.InDirectory place -> tryDirectory(place.source(), place.directory(), place.describe(), attempts);
                case Candidate.Bundled bundled -> tryBundle(bundled, attempts);
                case Candidate.Unusable unusable -> {
                    attempts.add(unusable.describe() + ": " + unusable.problem());
                    yield Optional.empty();
                }
            };
            if (loaded.isPresent()) {
                return loaded.get();
            }
        }
        throw failure(attempts);
    }

    private Optional<NativeLibrary> tryBundle(Candidate.Bundled bundled, List<String> attempts) {
        Path directory;
        try {
            directory = cache.obtain(bundled.bundle());
        } catch (NativesCache.Unavailable e) {
            attempts.add(bundled.describe() + ": " + e.getMessage());
            return Optional.empty();
        }
        return tryDirectory(LibrarySource.BUNDLED, directory, bundled.describe() + ", extracted to " + directory, attempts);
    }

    private Optional<NativeLibrary> tryDirectory(LibrarySource source, Path directory, String description, List<String> attempts) {
        Optional<String> problem = problemWith(directory);
        if (problem.isPresent()) {
            attempts.add(description + ": " + problem.get());
            return Optional.empty();
        }
        Path llama = platform.find(directory, "llama").orElseThrow();
        String version;
        try {
            version = VersionProbe.version(llama);
        } catch (VersionProbe.ProbeFailure e) {
            attempts.add(description + ": " + llama.getFileName() + " " + e.getMessage());
            return Optional.empty();
        }
        if (!VersionProbe.matches(version, expectedVersion)) {
            attempts.add(description + ": " + llama.getFileName() + " is llama.cpp " + version
                    + ", but the bindings were generated for " + expectedVersion);
            return Optional.empty();
        }
        try {
            loadInOrder(directory, llama);
        } catch (UnsatisfiedLinkError e) {
            attempts.add(description + ": loading failed: " + e.getMessage());
            return Optional.empty();
        }
        return Optional.of(new NativeLibrary(directory.toAbsolutePath().normalize(), llama, source, version));
    }

    private Optional<String> problemWith(Path directory) {
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
        } else {
            message.append("The order: an explicit directory (alone, when set); the checkout's CMake build, then its")
                    .append(" prebuilt releases, GPU builds first (").append(locations.homeDescription())
                    .append("); natives jars on the class or module path, GPU builds first; java.library.path.\n");
        }
        message.append("To fix: add io.github.panamallama:panama-llama-natives with classifier ")
                .append(platform.bundleOs()).append('-').append(Platform.bundleArch())
                .append(" (same version as panama-llama) to the class path or module path; or point -D")
                .append(LibrarySource.PROPERTY).append("=DIR or ")
                .append(LibrarySource.ENVIRONMENT).append("=DIR at a directory holding ")
                .append(platform.fileName("llama")).append(" and ").append(platform.fileName("ggml"))
                .append(" of llama.cpp ").append(expectedVersion)
                .append("; or, in a panama-llama checkout, run scripts/fetch-natives.sh (prebuilt) or build the")
                .append(" llama.cpp submodule with CMake, and set -D").append(LibrarySource.HOME_PROPERTY)
                .append("=<checkout>.");
        return new NativeLibraryException(message.toString(), attempts);
    }
}
