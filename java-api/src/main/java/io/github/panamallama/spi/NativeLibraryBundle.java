package io.github.panamallama.spi;

import java.io.InputStream;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A jar of llama.cpp native libraries that panama-llama can use without any setting, such as
 * {@code io.github.panamallama:panama-llama-natives} with classifier {@code linux-x86_64}.
 *
 * <p>A natives jar names one subclass in {@code META-INF/services/io.github.panamallama.spi.NativeLibraryBundle};
 * the loader finds it with {@link java.util.ServiceLoader} on the class path and on the module
 * path alike (an automatic module's services take part in service binding, so an application
 * module that only {@code requires io.github.panamallama} still sees it). The files themselves
 * are resources under {@code natives/<classifier>/}: a directory name that is not a package name,
 * so module encapsulation never hides them. Next to them, {@code natives.manifest} lists every
 * file with its size and SHA-256; the loader extracts the files into a per-user cache, checks
 * them against that list, and loads them from there.
 *
 * <p>Applications do not use this class; it is the contract between panama-llama and its natives jars.
 */
public abstract class NativeLibraryBundle {
    /** Name of the list of files inside {@link #resourceDirectory()}. */
    public static final String MANIFEST = "natives.manifest";

    private static final Pattern CLASSIFIER = Pattern.compile("[a-z0-9]+(?:[-_][a-z0-9]+)*");

    private final String classifier;

    /**
     * @param classifier the Maven classifier of the jar, e.g. {@code linux-x86_64} or
     *     {@code linux-x86_64-cuda}; its resources live under {@code natives/<classifier>/}
     * @throws IllegalArgumentException if it is not lower-case letters, digits, '-' and '_'
     */
    protected NativeLibraryBundle(String classifier) {
        Objects.requireNonNull(classifier, "classifier");
        if (!CLASSIFIER.matcher(classifier).matches()) {
            throw new IllegalArgumentException("not a natives classifier: \"" + classifier
                    + "\" (lower-case letters, digits, '-' and '_')");
        }
        this.classifier = classifier;
    }

    /** The Maven classifier of the jar, e.g. {@code linux-x86_64}. */
    public final String classifier() {
        return classifier;
    }

    /** Where the files are inside the jar: {@code natives/<classifier>/}. */
    public final String resourceDirectory() {
        return "natives/" + classifier + "/";
    }

    /**
     * Opens one file of the bundle, or returns {@code null} when the jar has no such file. The
     * resource is looked up through the provider's own class, so it is found in the provider's
     * jar whichever class loader or module layer holds it.
     */
    public final InputStream open(String fileName) {
        return getClass().getResourceAsStream("/" + resourceDirectory() + fileName);
    }

    @Override
    public String toString() {
        return getClass().getName() + "[" + classifier + "]";
    }
}
