package io.github.panamallama.internal.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.LibrarySource;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class CandidateLocationsTest {
    private static Properties properties(String... keyValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    private static List<LibrarySource> sources(CandidateLocations locations) {
        return locations.candidates().stream().map(Candidate::source).toList();
    }

    @Test
    void explicitDirectoryWinsOutright() {
        var locations = new CandidateLocations(properties(
                LibrarySource.PROPERTY, "/opt/llama", LibrarySource.HOME_PROPERTY, "/src/panama-llama",
                "java.library.path", "/usr/lib"), Map.of());
        assertTrue(locations.explicit());
        assertEquals(List.of(new Candidate(LibrarySource.EXPLICIT_PROPERTY, Path.of("/opt/llama"),
                "system property panamallama.library.path")), locations.candidates());
    }

    @Test
    void propertyBeforeEnvironment() {
        var locations = new CandidateLocations(properties(LibrarySource.PROPERTY, "/a"),
                Map.of(LibrarySource.ENVIRONMENT, "/b"));
        assertEquals(List.of(LibrarySource.EXPLICIT_PROPERTY, LibrarySource.EXPLICIT_ENVIRONMENT), sources(locations));
    }

    @Test
    void withoutExplicitDirectoryCMakeThenPrebuiltThenLibraryPath() {
        var locations = new CandidateLocations(properties(LibrarySource.HOME_PROPERTY, "/src/p",
                "java.library.path", "/usr/lib" + File.pathSeparator + "/usr/local/lib"), Map.of());
        assertFalse(locations.explicit());
        assertEquals(List.of(LibrarySource.CMAKE_BUILD, LibrarySource.PREBUILT,
                LibrarySource.JAVA_LIBRARY_PATH, LibrarySource.JAVA_LIBRARY_PATH), sources(locations));
        assertEquals(Path.of("/src/p/build/natives/cmake"), locations.candidates().get(0).directory());
        assertTrue(locations.candidates().get(1).directory().startsWith(Path.of("/src/p/build/natives/prebuilt")));
        assertEquals(Path.of("/usr/local/lib"), locations.candidates().get(3).directory());
    }

    @Test
    void homeFromEnvironmentWhenNoProperty() {
        var locations = new CandidateLocations(properties(), Map.of(LibrarySource.HOME_ENVIRONMENT, "/h"));
        assertEquals(Path.of("/h/build/natives/cmake"), locations.candidates().get(0).directory());
    }

    @Test
    void blankSettingsAreIgnored() {
        var locations = new CandidateLocations(properties(LibrarySource.PROPERTY, " ", "java.library.path", ""),
                Map.of(LibrarySource.ENVIRONMENT, ""));
        assertFalse(locations.explicit());
        assertEquals(List.of(), locations.candidates());
    }
}
