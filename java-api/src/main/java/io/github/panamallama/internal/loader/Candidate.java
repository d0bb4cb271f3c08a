package io.github.panamallama.internal.loader;

import io.github.panamallama.LibrarySource;
import java.nio.file.Path;

/** A directory the loader will look in, and why. */
record Candidate(LibrarySource source, Path directory, String origin) {
    String describe() {
        return source + " " + directory + " (" + origin + ")";
    }
}
