package io.github.panamallama;

import java.nio.file.Path;

/**
 * The llama.cpp library this process runs on.
 *
 * @param directory the directory it was loaded from
 * @param llama the libllama file itself
 * @param source which of the loader's locations it came from
 * @param version what {@code llama_version()} reports, e.g. {@code 0.5.0-dev}
 */
public record NativeLibrary(Path directory, Path llama, LibrarySource source, String version) {}
