package io.github.panamallama.internal.loader.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Whether a directory holds exactly a bundle's files, byte for byte: each listed file present as
 * a regular file (not a link) with its size and SHA-256, and nothing else. Nothing else matters
 * because ggml loads every {@code libggml-*} plug-in it finds in the directory.
 */
final class DirectoryCheck {
    private static final int BUFFER = 1 << 16;

    private DirectoryCheck() {}

    /** The first difference found, or empty when the directory is exactly the bundle. */
    static Optional<String> problem(Path directory, BundleManifest manifest) {
        try {
            Set<String> expected = new HashSet<>();
            for (BundleFile file : manifest.files()) {
                expected.add(file.name());
                Optional<String> problem = problem(directory.resolve(file.name()), file);
                if (problem.isPresent()) {
                    return problem;
                }
            }
            try (Stream<Path> entries = Files.list(directory)) {
                return entries.map(entry -> entry.getFileName().toString())
                        .filter(name -> !expected.contains(name))
                        .sorted()
                        .findFirst()
                        .map(name -> name + " is not part of the bundle");
            }
        } catch (IOException e) {
            return Optional.of("cannot be read: " + e);
        }
    }

    private static Optional<String> problem(Path path, BundleFile file) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.of(file.name() + " is missing");
        }
        if (!attributes.isRegularFile()) {
            return Optional.of(file.name() + " is not a regular file");
        }
        if (attributes.size() != file.size()) {
            return Optional.of(file.name() + " has " + attributes.size() + " bytes, expected " + file.size());
        }
        MessageDigest digest = BundleManifest.newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS), digest)) {
            byte[] buffer = new byte[BUFFER];
            while (in.read(buffer) >= 0) {
                // reading is the digesting
            }
        }
        byte[] actual = digest.digest();
        return file.matches(actual) ? Optional.empty()
                : Optional.of(file.name() + " has SHA-256 " + HexFormat.of().formatHex(actual) + ", expected " + file.sha256());
    }
}
