package io.github.panamallama.internal.loader.bundle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Extracts bundles into the first cache root that works ({@link CacheRoots}) and returns the
 * directory to load them from.
 */
public final class NativesCache {
    private final List<CacheRoot> roots;

    public NativesCache(List<CacheRoot> roots) {
        this.roots = List.copyOf(roots);
    }

    /**
     * A directory holding exactly the bundle's files, checked byte for byte.
     *
     * @throws Unavailable naming every root tried and why it could not be used
     */
    public Path obtain(BundleSource source) throws Unavailable {
        List<String> failures = new ArrayList<>();
        for (CacheRoot root : roots) {
            CacheEntry entry = new CacheEntry(root.directory(), source.manifest());
            try {
                if (root.shared()) {
                    PrivateDirectory.ensure(root.directory().getParent());
                }
                return entry.obtain(source).toRealPath();
            } catch (IOException | RuntimeException e) {
                failures.add(entry.directory() + " (" + root.origin() + "): " + describe(e));
            }
        }
        throw new Unavailable("could not extract it: " + String.join("; ", failures));
    }

    private static String describe(Exception e) {
        // Many IOExceptions carry only a path as message; their type says what went wrong.
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** No cache root could hold the bundle. */
    public static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }
}
