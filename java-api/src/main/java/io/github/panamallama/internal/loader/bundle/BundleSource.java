package io.github.panamallama.internal.loader.bundle;

import java.io.IOException;
import java.io.InputStream;

/** Where a bundle's files are read from: a natives jar found through the service loader, or a test's bytes. */
public interface BundleSource {
    /** For messages: which bundle, from where (e.g. the jar's location). */
    String describe();

    BundleManifest manifest();

    /** @throws IOException when the file cannot be read, or the bundle has no such file */
    InputStream open(String fileName) throws IOException;
}
