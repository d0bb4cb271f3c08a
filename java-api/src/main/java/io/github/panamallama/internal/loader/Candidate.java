package io.github.panamallama.internal.loader;

import io.github.panamallama.LibrarySource;
import io.github.panamallama.internal.loader.bundle.BundleSource;
import java.nio.file.Path;

/** A place the loader will look in, and why. */
sealed interface Candidate {
    LibrarySource source();

    /** How the place appears in the list of attempts. */
    String describe();

    /** A directory that may hold the libraries. */
    record InDirectory(LibrarySource source, Path directory, String origin) implements Candidate {
        @Override
        public String describe() {
            return source + " " + directory + " (" + origin + ")";
        }
    }

    /** A natives jar, extracted into the cache before its libraries are loaded. */
    record Bundled(BundleSource bundle) implements Candidate {
        @Override
        public LibrarySource source() {
            return LibrarySource.BUNDLED;
        }

        @Override
        public String describe() {
            return LibrarySource.BUNDLED + " " + bundle.describe();
        }
    }

    /** A natives jar that cannot serve this JVM (another platform, another release, a broken jar): reported, never loaded. */
    record Unusable(String description, String problem) implements Candidate {
        @Override
        public LibrarySource source() {
            return LibrarySource.BUNDLED;
        }

        @Override
        public String describe() {
            return LibrarySource.BUNDLED + " " + description;
        }
    }
}
