package io.github.panamallama.internal.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.LibrarySource;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CandidateLocationsTest {
    private static final Candidate BUNDLE = new Candidate.Unusable("a natives jar", "stands in for one");
    private static final Supplier<List<Candidate>> ONE_BUNDLE = () -> List.of(BUNDLE);
    private static final Supplier<List<Candidate>> NOT_ASKED = () -> {
        throw new AssertionError("natives jars must not be looked for when an explicit directory is set");
    };

    @TempDir
    Path temp;

    private static Properties properties(String... keyValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    private static CandidateLocations locations(Properties properties, Map<String, String> environment,
                                                Supplier<List<Candidate>> bundles) {
        return new CandidateLocations(properties, environment, Platform.LINUX, bundles);
    }

    private static List<LibrarySource> sources(CandidateLocations locations) {
        return locations.candidates().stream().map(Candidate::source).toList();
    }

    private static Path directory(Candidate candidate) {
        return ((Candidate.InDirectory) candidate).directory();
    }

    @Test
    void explicitDirectoryWinsOutright() {
        var locations = locations(properties(
                LibrarySource.PROPERTY, "/opt/llama", LibrarySource.HOME_PROPERTY, "/src/panama-llama",
                "java.library.path", "/usr/lib"), Map.of(), NOT_ASKED);
        assertTrue(locations.explicit());
        assertEquals(List.of(new Candidate.InDirectory(LibrarySource.EXPLICIT_PROPERTY, Path.of("/opt/llama"),
                "system property panamallama.library.path")), locations.candidates());
    }

    @Test
    void propertyBeforeEnvironment() {
        var locations = locations(properties(LibrarySource.PROPERTY, "/a"), Map.of(LibrarySource.ENVIRONMENT, "/b"), NOT_ASKED);
        assertEquals(List.of(LibrarySource.EXPLICIT_PROPERTY, LibrarySource.EXPLICIT_ENVIRONMENT), sources(locations));
    }

    @Test
    void withoutExplicitDirectoryCMakeThenPrebuiltThenBundlesThenLibraryPath() {
        var locations = locations(properties(LibrarySource.HOME_PROPERTY, "/src/p",
                "java.library.path", "/usr/lib" + File.pathSeparator + "/usr/local/lib"), Map.of(), ONE_BUNDLE);
        assertFalse(locations.explicit());
        List<Candidate> candidates = locations.candidates();
        assertEquals(List.of(LibrarySource.CMAKE_BUILD, LibrarySource.PREBUILT, LibrarySource.BUNDLED,
                LibrarySource.JAVA_LIBRARY_PATH, LibrarySource.JAVA_LIBRARY_PATH), sources(locations));
        assertEquals(Path.of("/src/p/build/natives/cmake"), directory(candidates.get(0)));
        assertTrue(directory(candidates.get(1)).startsWith(Path.of("/src/p/build/natives/prebuilt")));
        assertEquals(BUNDLE, candidates.get(2));
        assertEquals(Path.of("/usr/local/lib"), directory(candidates.get(4)));
    }

    @Test
    void fetchedGpuBuildsComeBeforeTheCpuBuild() throws Exception {
        Path prebuilt = Files.createDirectories(temp.resolve("build/natives/prebuilt"));
        String cpu = Platform.LINUX.prebuiltNames().getLast();
        Files.createDirectories(prebuilt.resolve(cpu + "-vulkan"));
        Files.createDirectories(prebuilt.resolve(cpu + "-cuda"));
        var locations = locations(properties(LibrarySource.HOME_PROPERTY, temp.toString()), Map.of(), List::of);
        List<Path> directories = locations.candidates().stream().map(CandidateLocationsTest::directory).toList();
        assertEquals(List.of(temp.resolve("build/natives/cmake"), prebuilt.resolve(cpu + "-cuda"),
                prebuilt.resolve(cpu + "-vulkan"), prebuilt.resolve(cpu)), directories);
    }

    @Test
    void gpuBuildsNotFetchedAreNotListed() {
        var locations = locations(properties(LibrarySource.HOME_PROPERTY, temp.toString()), Map.of(), List::of);
        assertEquals(List.of(LibrarySource.CMAKE_BUILD, LibrarySource.PREBUILT), sources(locations));
    }

    @Test
    void withoutCheckoutBundlesComeFirst() {
        var locations = locations(properties("java.library.path", "/usr/lib"), Map.of(), ONE_BUNDLE);
        assertEquals(List.of(LibrarySource.BUNDLED, LibrarySource.JAVA_LIBRARY_PATH), sources(locations));
    }

    @Test
    void homeFromEnvironmentWhenNoProperty() {
        var locations = locations(properties(), Map.of(LibrarySource.HOME_ENVIRONMENT, "/h"), List::of);
        assertEquals(Path.of("/h/build/natives/cmake"), directory(locations.candidates().get(0)));
    }

    @Test
    void blankSettingsAreIgnored() {
        var locations = locations(properties(LibrarySource.PROPERTY, " ", "java.library.path", ""),
                Map.of(LibrarySource.ENVIRONMENT, ""), List::of);
        assertFalse(locations.explicit());
        assertEquals(List.of(), locations.candidates());
    }
}
