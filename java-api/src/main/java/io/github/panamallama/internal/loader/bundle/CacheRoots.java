package io.github.panamallama.internal.loader.bundle;

import io.github.panamallama.LibrarySource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Where extracted natives go, in order of preference: a configured directory alone; otherwise
 * the per-user cache ({@code $XDG_CACHE_HOME/panama-llama/natives}, or
 * {@code ~/.cache/panama-llama/natives}), then a private directory in {@code java.io.tmpdir}
 * for when the home cache cannot be written (a read-only home, a container).
 */
public final class CacheRoots {
    private CacheRoots() {}

    public static List<CacheRoot> of(Properties properties, Map<String, String> environment) {
        String property = properties.getProperty(LibrarySource.CACHE_PROPERTY);
        if (property != null && !property.isBlank()) {
            return List.of(new CacheRoot(absolute(property), "system property " + LibrarySource.CACHE_PROPERTY, false));
        }
        String variable = environment.get(LibrarySource.CACHE_ENVIRONMENT);
        if (variable != null && !variable.isBlank()) {
            return List.of(new CacheRoot(absolute(variable), "environment variable " + LibrarySource.CACHE_ENVIRONMENT, false));
        }
        CacheRoot home = homeCache(properties, environment);
        String user = safeName(properties.getProperty("user.name", "user"));
        CacheRoot temporary = new CacheRoot(
                absolute(properties.getProperty("java.io.tmpdir")).resolve("panama-llama-" + user).resolve("natives"),
                "java.io.tmpdir", true);
        return home == null ? List.of(temporary) : List.of(home, temporary);
    }

    private static CacheRoot homeCache(Properties properties, Map<String, String> environment) {
        // XDG: a relative XDG_CACHE_HOME is invalid and must be ignored.
        String xdg = environment.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return new CacheRoot(Path.of(xdg).resolve("panama-llama").resolve("natives"), "XDG_CACHE_HOME", false);
        }
        String home = properties.getProperty("user.home");
        if (home == null || home.isBlank() || home.equals("?")) {
            return null;
        }
        return new CacheRoot(absolute(home).resolve(".cache").resolve("panama-llama").resolve("natives"),
                "the user's home directory", false);
    }

    private static Path absolute(String path) {
        return Path.of(path).toAbsolutePath().normalize();
    }

    /** The user name as part of a directory name: anything unusual becomes '_'. */
    static String safeName(String user) {
        String safe = user.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.isEmpty() || safe.startsWith(".") ? "_" + safe : safe;
    }
}
