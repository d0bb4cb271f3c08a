package io.github.panamallama.internal.loader;

import io.github.panamallama.LibrarySource;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * The loader's precedence, as data: an explicit directory wins outright; otherwise the CMake
 * build of the submodule, the prebuilt releases of the checkout (GPU builds first), the natives
 * jars on the class or module path (GPU builds first), then java.library.path.
 */
final class CandidateLocations {
    private final Properties properties;
    private final Map<String, String> environment;
    private final Platform platform;
    private final Supplier<List<Candidate>> bundles;

    /** @param bundles the natives jars' candidates, asked for only when no explicit directory is set */
    CandidateLocations(Properties properties, Map<String, String> environment, Platform platform,
                       Supplier<List<Candidate>> bundles) {
        this.properties = properties;
        this.environment = environment;
        this.platform = platform;
        this.bundles = bundles;
    }

    /** True when the user named a directory: then nothing else is tried. */
    boolean explicit() {
        return !explicitCandidates().isEmpty();
    }

    List<Candidate> candidates() {
        List<Candidate> explicit = explicitCandidates();
        if (!explicit.isEmpty()) {
            return explicit;
        }
        List<Candidate> found = new ArrayList<>();
        Path home = home();
        if (home != null) {
            Path natives = home.resolve("build").resolve("natives");
            found.add(new Candidate.InDirectory(LibrarySource.CMAKE_BUILD, natives.resolve("cmake"),
                    "the llama.cpp submodule built by CMakeLists.txt"));
            List<String> prebuilt = platform.prebuiltNames();
            String cpu = prebuilt.getLast();
            for (String name : prebuilt) {
                Path directory = natives.resolve("prebuilt").resolve(name);
                // A GPU build is only listed when fetched; the CPU build always is, to say it is missing.
                if (name.equals(cpu) || Files.isDirectory(directory)) {
                    found.add(new Candidate.InDirectory(LibrarySource.PREBUILT, directory,
                            "the prebuilt release fetched by scripts/fetch-natives.sh"));
                }
            }
        }
        found.addAll(bundles.get());
        String libraryPath = properties.getProperty("java.library.path", "");
        for (String entry : libraryPath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                found.add(new Candidate.InDirectory(LibrarySource.JAVA_LIBRARY_PATH, Path.of(entry), "java.library.path"));
            }
        }
        return found;
    }

    /** What the error message lists as skipped when an explicit directory is set. */
    String homeDescription() {
        Path home = home();
        return home == null
                ? "no panama-llama checkout known; set -D" + LibrarySource.HOME_PROPERTY + " or " + LibrarySource.HOME_ENVIRONMENT
                : "panama-llama checkout " + home;
    }

    private List<Candidate> explicitCandidates() {
        List<Candidate> explicit = new ArrayList<>();
        String property = properties.getProperty(LibrarySource.PROPERTY);
        if (property != null && !property.isBlank()) {
            explicit.add(new Candidate.InDirectory(LibrarySource.EXPLICIT_PROPERTY, Path.of(property),
                    "system property " + LibrarySource.PROPERTY));
        }
        String variable = environment.get(LibrarySource.ENVIRONMENT);
        if (variable != null && !variable.isBlank()) {
            explicit.add(new Candidate.InDirectory(LibrarySource.EXPLICIT_ENVIRONMENT, Path.of(variable),
                    "environment variable " + LibrarySource.ENVIRONMENT));
        }
        return explicit;
    }

    private Path home() {
        String home = properties.getProperty(LibrarySource.HOME_PROPERTY);
        if (home == null || home.isBlank()) {
            home = environment.get(LibrarySource.HOME_ENVIRONMENT);
        }
        return home == null || home.isBlank() ? null : Path.of(home).toAbsolutePath().normalize();
    }
}
