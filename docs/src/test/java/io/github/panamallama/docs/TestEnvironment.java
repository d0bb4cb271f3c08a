package io.github.panamallama.docs;

import java.nio.file.Path;

/** What the build tells the tests (surefire's system properties), with the defaults an IDE run needs. */
final class TestEnvironment {
    private TestEnvironment() {
    }

    /** The project root, where README.md, docs/ and build/ are. */
    static Path projectHome() {
        String home = System.getProperty("panamallama.home");
        if (home == null) {
            throw new IllegalStateException("system property panamallama.home is not set (surefire sets it to the project root)");
        }
        return Path.of(home).toAbsolutePath().normalize();
    }

    /** The class path snippets compile and run against: this module's test class path. */
    static String classPath() {
        // Surefire starts tests from a manifest-only jar and names the real class path here.
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** The {@code --release} snippets must compile for: the one the library targets. */
    static String release() {
        return System.getProperty("docs.snippets.release", "22");
    }

    /** Where compiled snippets and their working directories go. */
    static Path workDirectory() {
        return Path.of(System.getProperty("docs.snippets.work", "target/snippets")).toAbsolutePath();
    }
}
