package io.github.panamallama.internal.loader.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.panamallama.LibrarySource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class CacheRootsTest {
    private static Properties properties(String... keyValues) {
        Properties properties = new Properties();
        properties.setProperty("user.home", "/home/ada");
        properties.setProperty("user.name", "ada");
        properties.setProperty("java.io.tmpdir", "/tmp");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    private static List<Path> directories(Properties properties, Map<String, String> environment) {
        return CacheRoots.of(properties, environment).stream().map(CacheRoot::directory).toList();
    }

    @Test
    void homeCacheThenPrivateTemporaryDirectory() {
        List<CacheRoot> roots = CacheRoots.of(properties(), Map.of());
        assertEquals(List.of(new CacheRoot(Path.of("/home/ada/.cache/panama-llama/natives"), "the user's home directory", false),
                new CacheRoot(Path.of("/tmp/panama-llama-ada/natives"), "java.io.tmpdir", true)), roots);
    }

    @Test
    void xdgCacheHomeReplacesTheHomeCache() {
        assertEquals(List.of(Path.of("/var/cache/ada/panama-llama/natives"), Path.of("/tmp/panama-llama-ada/natives")),
                directories(properties(), Map.of("XDG_CACHE_HOME", "/var/cache/ada")));
    }

    @Test
    void aRelativeXdgCacheHomeIsIgnoredAsTheSpecificationSays() {
        assertEquals(Path.of("/home/ada/.cache/panama-llama/natives"),
                directories(properties(), Map.of("XDG_CACHE_HOME", "relative/cache")).getFirst());
    }

    @Test
    void aConfiguredDirectoryIsUsedAlone() {
        assertEquals(List.of(new CacheRoot(Path.of("/opt/cache"), "system property panamallama.cache.dir", false)),
                CacheRoots.of(properties(LibrarySource.CACHE_PROPERTY, "/opt/cache"), Map.of(LibrarySource.CACHE_ENVIRONMENT, "/env")));
        assertEquals(List.of(new CacheRoot(Path.of("/env"), "environment variable PANAMA_LLAMA_CACHE_DIR", false)),
                CacheRoots.of(properties(), Map.of(LibrarySource.CACHE_ENVIRONMENT, "/env")));
    }

    @Test
    void blankSettingsAreIgnored() {
        assertEquals(2, CacheRoots.of(properties(LibrarySource.CACHE_PROPERTY, " "), Map.of(LibrarySource.CACHE_ENVIRONMENT, "")).size());
    }

    @Test
    void withoutAHomeOnlyTheTemporaryDirectory() {
        assertEquals(List.of(Path.of("/tmp/panama-llama-ada/natives")), directories(properties("user.home", "?"), Map.of()));
    }

    @Test
    void theUserNameCannotEscapeTheTemporaryDirectory() {
        assertEquals("_.._x", CacheRoots.safeName("../x"));
        assertEquals("ada_lovelace", CacheRoots.safeName("ada lovelace"));
        assertEquals(Path.of("/tmp/panama-llama-DOMAIN_ada/natives"),
                directories(properties("user.name", "DOMAIN\\ada"), Map.of()).getLast());
    }
}
