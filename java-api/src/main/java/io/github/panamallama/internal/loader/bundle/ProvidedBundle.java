package io.github.panamallama.internal.loader.bundle;

import io.github.panamallama.spi.NativeLibraryBundle;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.security.CodeSource;

/** A bundle from a natives jar, found through {@link NativeLibraryBundle}'s service. */
public final class ProvidedBundle implements BundleSource {
    private final NativeLibraryBundle bundle;
    private final BundleManifest manifest;

    private ProvidedBundle(NativeLibraryBundle bundle, BundleManifest manifest) {
        this.bundle = bundle;
        this.manifest = manifest;
    }

    /**
     * Reads the jar's manifest.
     *
     * @throws IllegalArgumentException when it is missing, malformed or names another classifier
     */
    public static ProvidedBundle of(NativeLibraryBundle bundle) {
        byte[] content;
        try (InputStream in = bundle.open(NativeLibraryBundle.MANIFEST)) {
            if (in == null) {
                throw new IllegalArgumentException("has no " + bundle.resourceDirectory() + NativeLibraryBundle.MANIFEST);
            }
            content = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + bundle.resourceDirectory()
                    + NativeLibraryBundle.MANIFEST + ": " + e, e);
        }
        BundleManifest manifest = BundleManifest.parse(content);
        if (!manifest.classifier().equals(bundle.classifier())) {
            throw new IllegalArgumentException("its manifest is for " + manifest.classifier() + ", not " + bundle.classifier());
        }
        return new ProvidedBundle(bundle, manifest);
    }

    /** Where a provider comes from, for messages: its jar, or its class when the JVM does not say. */
    public static String location(NativeLibraryBundle bundle) {
        CodeSource source = bundle.getClass().getProtectionDomain().getCodeSource();
        String where = source == null || source.getLocation() == null
                ? bundle.getClass().getName() : source.getLocation().toString();
        return bundle.classifier() + " natives from " + where;
    }

    @Override
    public String describe() {
        return location(bundle);
    }

    @Override
    public BundleManifest manifest() {
        return manifest;
    }

    @Override
    public InputStream open(String fileName) throws IOException {
        InputStream in = bundle.open(fileName);
        if (in == null) {
            throw new FileNotFoundException(bundle.resourceDirectory() + fileName + " is not in " + describe());
        }
        return in;
    }
}
