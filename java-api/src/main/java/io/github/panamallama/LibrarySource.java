package io.github.panamallama;

/**
 * Where a llama.cpp library can come from, in the order the loader tries them: an explicit
 * directory (alone: when set, nothing else is tried); the checkout's CMake build; the checkout's
 * prebuilt releases (GPU builds first); natives jars on the class or module path (GPU builds
 * first); {@code java.library.path}. A candidate that fails is reported and the next one tried.
 */
public enum LibrarySource {
    /** The directory in the system property {@value io.github.panamallama.LibrarySource#PROPERTY}. */
    EXPLICIT_PROPERTY,
    /** The directory in the environment variable {@value io.github.panamallama.LibrarySource#ENVIRONMENT}. */
    EXPLICIT_ENVIRONMENT,
    /** What the project's CMakeLists.txt built from the llama.cpp submodule: build/natives/cmake. */
    CMAKE_BUILD,
    /** A pinned prebuilt release that scripts/fetch-natives.sh fetched: build/natives/prebuilt/&lt;platform&gt;. */
    PREBUILT,
    /**
     * A natives jar ({@code io.github.panamallama:panama-llama-natives}) on the class or module
     * path, extracted into the per-user cache ({@link #CACHE_PROPERTY}); the library's directory
     * is the extracted one.
     */
    BUNDLED,
    /** A directory on {@code java.library.path} (a system install, for instance). */
    JAVA_LIBRARY_PATH;

    /** System property naming a directory that holds libllama and libggml. */
    public static final String PROPERTY = "panamallama.library.path";
    /** Environment variable naming a directory that holds libllama and libggml. */
    public static final String ENVIRONMENT = "PANAMA_LLAMA_LIBRARY_PATH";
    /** System property naming the panama-llama checkout whose build/ directory holds natives. */
    public static final String HOME_PROPERTY = "panamallama.home";
    /** Environment variable with the same meaning as {@link #HOME_PROPERTY}. */
    public static final String HOME_ENVIRONMENT = "PANAMA_LLAMA_HOME";
    /**
     * System property naming the directory natives jars are extracted into. Unset, that is
     * {@code $XDG_CACHE_HOME/panama-llama/natives} or {@code ~/.cache/panama-llama/natives}, and
     * a private {@code panama-llama-<user>} directory in {@code java.io.tmpdir} when those cannot
     * be written.
     */
    public static final String CACHE_PROPERTY = "panamallama.cache.dir";
    /** Environment variable with the same meaning as {@link #CACHE_PROPERTY}. */
    public static final String CACHE_ENVIRONMENT = "PANAMA_LLAMA_CACHE_DIR";
}
