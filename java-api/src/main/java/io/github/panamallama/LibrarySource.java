package io.github.panamallama;

/** Where a llama.cpp library can come from, in the order the loader tries them. */
public enum LibrarySource {
    /** The directory in the system property {@value io.github.panamallama.LibrarySource#PROPERTY}. */
    EXPLICIT_PROPERTY,
    /** The directory in the environment variable {@value io.github.panamallama.LibrarySource#ENVIRONMENT}. */
    EXPLICIT_ENVIRONMENT,
    /** What the project's CMakeLists.txt built from the llama.cpp submodule: build/natives/cmake. */
    CMAKE_BUILD,
    /** The pinned prebuilt release that scripts/fetch-natives.sh fetched: build/natives/prebuilt. */
    PREBUILT,
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
}
