package io.github.panamallama.internal.loader.bundle;

import java.nio.file.Path;

/**
 * A directory that holds extracted bundles, one subdirectory per cache key.
 *
 * @param directory e.g. {@code ~/.cache/panama-llama/natives}
 * @param origin why this directory, for messages
 * @param shared whether it lies in a directory other users can write to (the temporary
 *     directory): then its private parent must be ours and closed to others before it is trusted
 */
public record CacheRoot(Path directory, String origin, boolean shared) {}
