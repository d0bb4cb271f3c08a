package io.github.panamallama.internal.loader.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One bundle's directory in one cache root: {@code <root>/<cache key>}. A directory there is only
 * used after every file checks out ({@link DirectoryCheck}); one that does not is rebuilt.
 *
 * <p>Files are never written where another process may have them mapped: a bundle is extracted
 * into a fresh sibling directory, checked, and renamed into place in one step; a damaged entry
 * is first renamed aside (a process that mapped its files keeps its mapping) and then deleted.
 * Processes that extract at the same moment take turns through a file lock next to the entry;
 * the later one finds the earlier one's directory, checks it and uses it. Where the file system
 * offers no locks, the rename still lets only one directory win, and the loser uses it after
 * checking it.
 */
final class CacheEntry {
    private static final System.Logger LOG = System.getLogger("io.github.panamallama.loader");
    // One extraction at a time in this JVM: file locks are per process and would not order threads.
    private static final Object IN_PROCESS = new Object();

    private final Path root;
    private final BundleManifest manifest;
    private final Path directory;

    CacheEntry(Path root, BundleManifest manifest) {
        this.root = root;
        this.manifest = manifest;
        this.directory = root.resolve(manifest.cacheKey());
    }

    Path directory() {
        return directory;
    }

    /**
     * The entry's directory, holding exactly the bundle: used as is when it checks out, else
     * (re)extracted from {@code source}.
     *
     * @throws IOException when the root cannot be written or the extracted files do not match
     */
    Path obtain(BundleSource source) throws IOException {
        long start = System.nanoTime();
        Optional<String> problem = check();
        if (problem.isEmpty()) {
            LOG.log(Level.DEBUG, () -> "Verified cached natives " + directory + " in " + millis(start) + " ms");
            return directory;
        }
        Files.createDirectories(root);
        synchronized (IN_PROCESS) {
            try (FileChannel channel = FileChannel.open(root.resolve(manifest.cacheKey() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = lock(channel)) {
                if (lock != null) {
                    // Another process may have finished while this one waited for the lock.
                    problem = check();
                    if (problem.isEmpty()) {
                        LOG.log(Level.DEBUG, () -> "Natives " + directory
                                + " were extracted by another process while this one waited");
                        return directory;
                    }
                    removeLeftovers();
                }
                return extract(source, problem.get(), start);
            }
        }
    }

    private Optional<String> check() {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of("not extracted yet");
        }
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of("not a directory");
        }
        return DirectoryCheck.problem(directory, manifest);
    }

    private Path extract(BundleSource source, String previousProblem, long start) throws IOException {
        Path staging = Files.createTempDirectory(root, manifest.cacheKey() + ".tmp-");
        LOG.log(Level.DEBUG, () -> "Extracting natives " + manifest.classifier() + " into " + staging
                + " (" + previousProblem + ")");
        try {
            for (BundleFile file : manifest.files()) {
                try (InputStream in = source.open(file.name())) {
                    Files.copy(in, staging.resolve(file.name()));
                }
            }
            Optional<String> problem = DirectoryCheck.problem(staging, manifest);
            if (problem.isPresent()) {
                throw new IOException("the files extracted from " + source.describe()
                        + " do not match its manifest: " + problem.get());
            }
            boolean replacing = Files.exists(directory, LinkOption.NOFOLLOW_LINKS);
            if (replacing) {
                if (check().isEmpty()) {
                    LOG.log(Level.DEBUG, () -> "Natives " + directory + " were extracted by another process meanwhile");
                    return directory; // a process without a lock finished first: its copy is good
                }
                moveAsideAndDelete();
            }
            try {
                Files.move(staging, directory, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileSystemException e) {
                // Another process (one without a lock) renamed its directory into place first.
                if (check().isEmpty()) {
                    LOG.log(Level.DEBUG, () -> "Natives " + directory + " were extracted by another process meanwhile");
                    return directory;
                }
                throw e;
            }
            if (replacing) {
                LOG.log(Level.WARNING, "Cached natives " + directory + " were damaged (" + previousProblem
                        + "); extracted them again in " + millis(start) + " ms");
            } else {
                LOG.log(Level.INFO, "Extracted natives " + manifest.classifier() + " (" + manifest.files().size()
                        + " files, " + manifest.totalSize() + " bytes) into " + directory + " in " + millis(start) + " ms");
            }
            return directory;
        } finally {
            deleteTree(staging);
        }
    }

    /** Renames the damaged entry out of the way in one step, then deletes it; mapped files stay valid. */
    private void moveAsideAndDelete() throws IOException {
        Path aside = root.resolve(manifest.cacheKey() + ".damaged-" + UUID.randomUUID());
        try {
            Files.move(directory, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return; // someone else moved it already
        }
        deleteTree(aside);
    }

    /** Staging and damaged directories of processes that died mid-way: only safe to remove under the lock. */
    private void removeLeftovers() {
        String prefix = manifest.cacheKey() + ".";
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, entry -> {
            String name = entry.getFileName().toString();
            return name.startsWith(prefix + "tmp-") || name.startsWith(prefix + "damaged-");
        })) {
            entries.forEach(CacheEntry::deleteTree);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "Could not list " + root + " for leftovers: " + e);
        }
    }

    private static FileLock lock(FileChannel channel) {
        try {
            return channel.lock();
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(Level.DEBUG, () -> "No file lock in " + channel + ": " + e + "; relying on the atomic rename alone");
            return null;
        }
    }

    /** Best effort: a file still in use elsewhere (on systems that forbid deleting those) stays until next time. */
    private static void deleteTree(Path tree) {
        if (!Files.exists(tree, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(tree)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.log(Level.DEBUG, () -> "Could not delete " + tree + ": " + e);
        }
    }

    private static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
