package io.github.panamallama.internal.loader.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extraction into the cache, checking a cached copy, and replacing a damaged one. */
class NativesCacheTest {
    @TempDir
    Path temp;

    private NativesCache cacheIn(Path root) {
        return new NativesCache(List.of(new CacheRoot(root, "test", false)));
    }

    private static void assertHoldsExactly(MemoryBundle bundle, Path directory) throws IOException {
        for (BundleFile file : bundle.manifest().files()) {
            assertArrayEquals(bundle.bytes(file.name()), Files.readAllBytes(directory.resolve(file.name())), file.name());
        }
        try (Stream<Path> entries = Files.list(directory)) {
            assertEquals(bundle.manifest().files().size(), entries.count());
        }
    }

    private static List<String> siblings(Path root) throws IOException {
        try (Stream<Path> entries = Files.list(root)) {
            return entries.map(entry -> entry.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void extractsIntoADirectoryNamedByTheCacheKey() throws Exception {
        MemoryBundle bundle = MemoryBundle.sample();
        Path directory = cacheIn(temp).obtain(bundle);
        assertEquals(temp.toRealPath().resolve(bundle.manifest().cacheKey()), directory);
        assertHoldsExactly(bundle, directory);
        // No staging directory is left behind; the lock file stays for the next process.
        assertEquals(List.of(bundle.manifest().cacheKey(), bundle.manifest().cacheKey() + ".lock"), siblings(temp));
    }

    @Test
    void aGoodCachedCopyIsUsedWithoutReadingTheJar() throws Exception {
        Path first = cacheIn(temp).obtain(MemoryBundle.sample());
        MemoryBundle again = MemoryBundle.sample();
        assertEquals(first, cacheIn(temp).obtain(again));
        assertEquals(0, again.opened());
    }

    @Test
    void flippedBytesAreDetectedAndReplaced() throws Exception {
        Path directory = cacheIn(temp).obtain(MemoryBundle.sample());
        Path llama = directory.resolve("libllama.so");
        byte[] bytes = Files.readAllBytes(llama);
        bytes[2] ^= 0x5a;
        Files.write(llama, bytes);
        assertReplaced(directory);
    }

    @Test
    void aTruncatedFileIsDetectedAndReplaced() throws Exception {
        Path directory = cacheIn(temp).obtain(MemoryBundle.sample());
        try (FileChannel channel = FileChannel.open(directory.resolve("libggml-cpu-x64.so"), StandardOpenOption.WRITE)) {
            channel.truncate(100);
        }
        assertReplaced(directory);
    }

    @Test
    void aMissingFileIsDetectedAndReplaced() throws Exception {
        Path directory = cacheIn(temp).obtain(MemoryBundle.sample());
        Files.delete(directory.resolve("libggml-base.so"));
        assertReplaced(directory);
    }

    @Test
    void aFileThatIsNotPartOfTheBundleIsDetectedAndReplaced() throws Exception {
        // ggml would load any libggml-* plug-in lying there.
        Path directory = cacheIn(temp).obtain(MemoryBundle.sample());
        Files.write(directory.resolve("libggml-evil.so"), new byte[] {1});
        assertReplaced(directory);
        assertFalse(Files.exists(directory.resolve("libggml-evil.so")));
    }

    @Test
    void aFileInPlaceOfTheDirectoryIsReplaced() throws Exception {
        MemoryBundle bundle = MemoryBundle.sample();
        Files.writeString(temp.resolve(bundle.manifest().cacheKey()), "not a directory");
        assertHoldsExactly(bundle, cacheIn(temp).obtain(bundle));
    }

    private void assertReplaced(Path damaged) throws Exception {
        assertTrue(DirectoryCheck.problem(damaged, MemoryBundle.sample().manifest()).isPresent(), "the damage is seen");
        MemoryBundle bundle = MemoryBundle.sample();
        Path directory = cacheIn(temp).obtain(bundle);
        assertEquals(damaged, directory);
        assertTrue(bundle.opened() > 0, "extracted again");
        assertHoldsExactly(bundle, directory);
        assertEquals(List.of(bundle.manifest().cacheKey(), bundle.manifest().cacheKey() + ".lock"), siblings(temp),
                "the damaged copy is removed");
    }

    @Test
    void replacingNeverTouchesFilesAnotherProcessHasMapped() throws Exception {
        MemoryBundle bundle = MemoryBundle.sample();
        Path directory = cacheIn(temp).obtain(bundle);
        // As a process that loaded the libraries has them: mapped. Then another file goes missing.
        try (FileChannel channel = FileChannel.open(directory.resolve("libggml-base.so"), StandardOpenOption.READ)) {
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            Files.delete(directory.resolve("libggml-cpu-x64.so"));
            Path replaced = cacheIn(temp).obtain(MemoryBundle.sample());
            assertEquals(directory, replaced);
            byte[] seen = new byte[mapped.capacity()];
            mapped.get(seen);
            assertArrayEquals(bundle.bytes("libggml-base.so"), seen, "the mapping still shows the old, intact file");
        }
    }

    @Test
    void aJarWhoseFilesDoNotMatchItsManifestIsRefused() throws Exception {
        Map<String, byte[]> listed = Map.of("libllama.so", new byte[] {1, 2, 3});
        Map<String, byte[]> served = Map.of("libllama.so", new byte[] {1, 2, 4});
        var failure = assertThrows(NativesCache.Unavailable.class, () -> cacheIn(temp).obtain(new MemoryBundle(listed, served)));
        assertTrue(failure.getMessage().contains("the files extracted from memory bundle do not match its manifest: libllama.so has SHA-256"),
                failure.getMessage());
        assertEquals(List.of(new MemoryBundle(listed).manifest().cacheKey() + ".lock"), siblings(temp), "nothing half-made is left");
    }

    @Test
    void whenAnotherProcessWinsTheRaceItsDirectoryIsUsed() throws Exception {
        MemoryBundle theirs = MemoryBundle.sample();
        Path entry = temp.resolve(theirs.manifest().cacheKey());
        // While this process extracts (as a process without a file lock would), another one
        // renames its complete directory into place first.
        List<Object> theirDirectory = new java.util.ArrayList<>();
        Map<String, byte[]> files = new LinkedHashMap<>();
        theirs.manifest().files().forEach(file -> files.put(file.name(), theirs.bytes(file.name())));
        BundleSource racing = new MemoryBundle(files) {
            @Override
            public InputStream open(String fileName) throws java.io.FileNotFoundException {
                if (!Files.exists(entry)) {
                    try {
                        Path other = Files.createDirectory(temp.resolve("other-process"));
                        for (var file : files.entrySet()) {
                            Files.write(other.resolve(file.getKey()), file.getValue());
                        }
                        Files.move(other, entry);
                        theirDirectory.add(Files.readAttributes(entry, BasicFileAttributes.class).fileKey());
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }
                return super.open(fileName);
            }
        };
        Path directory = cacheIn(temp).obtain(racing);
        assertEquals(entry.toRealPath(), directory);
        assertEquals(theirDirectory, List.of(Files.readAttributes(directory, BasicFileAttributes.class).fileKey()),
                "the other process's directory itself, not a copy put in its place");
        assertHoldsExactly(theirs, directory);
        assertEquals(List.of(theirs.manifest().cacheKey(), theirs.manifest().cacheKey() + ".lock"), siblings(temp));
    }

    @Test
    void leftoversOfACrashedExtractionAreCleanedUp() throws Exception {
        MemoryBundle bundle = MemoryBundle.sample();
        String key = bundle.manifest().cacheKey();
        Files.writeString(Files.createDirectories(temp.resolve(key + ".tmp-123")).resolve("libllama.so"), "half");
        Files.createDirectories(temp.resolve(key + ".damaged-456"));
        cacheIn(temp).obtain(bundle);
        assertEquals(List.of(key, key + ".lock"), siblings(temp));
    }

    @Test
    void anUnwritableRootFallsBackToTheNextOne() throws Exception {
        // A regular file where a parent directory should be: no user, root included, can create it.
        Path blocked = Files.writeString(temp.resolve("home"), "a file").resolve(".cache/panama-llama/natives");
        Path fallback = temp.resolve("fallback");
        NativesCache cache = new NativesCache(List.of(new CacheRoot(blocked, "home", false), new CacheRoot(fallback, "tmp", false)));
        MemoryBundle bundle = MemoryBundle.sample();
        Path directory = cache.obtain(bundle);
        assertEquals(fallback.toRealPath().resolve(bundle.manifest().cacheKey()), directory);
        assertHoldsExactly(bundle, directory);
    }

    @Test
    void whenNoRootWorksEachIsNamed() throws Exception {
        Path file = Files.writeString(temp.resolve("file"), "x");
        NativesCache cache = new NativesCache(List.of(new CacheRoot(file.resolve("a"), "first", false),
                new CacheRoot(file.resolve("b"), "second", false)));
        String message = assertThrows(NativesCache.Unavailable.class, () -> cache.obtain(MemoryBundle.sample())).getMessage();
        assertTrue(message.startsWith("could not extract it: " + file.resolve("a")), message);
        assertTrue(message.contains("(first): FileSystemException") && message.contains("(second): FileSystemException"), message);
    }

    @Test
    void aSharedRootIsMadePrivate() throws Exception {
        Path root = temp.resolve("panama-llama-me").resolve("natives");
        new NativesCache(List.of(new CacheRoot(root, "java.io.tmpdir", true))).obtain(MemoryBundle.sample());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.getParent())));
    }

    @Test
    void aSharedRootOthersCanWriteToIsRefused() throws Exception {
        Path parent = Files.createDirectory(temp.resolve("panama-llama-me"));
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxrwxrwx"));
        NativesCache cache = new NativesCache(List.of(new CacheRoot(parent.resolve("natives"), "java.io.tmpdir", true)));
        String message = assertThrows(NativesCache.Unavailable.class, () -> cache.obtain(MemoryBundle.sample())).getMessage();
        assertTrue(message.contains(parent + " is writable by other users (rwxrwxrwx)"), message);
    }

    @Test
    void aLinkInPlaceOfTheSharedRootIsRefused() throws Exception {
        Path target = Files.createDirectory(temp.resolve("somewhere"));
        Path link = Files.createSymbolicLink(temp.resolve("panama-llama-me"), target);
        NativesCache cache = new NativesCache(List.of(new CacheRoot(link.resolve("natives"), "java.io.tmpdir", true)));
        String message = assertThrows(NativesCache.Unavailable.class, () -> cache.obtain(MemoryBundle.sample())).getMessage();
        assertTrue(message.contains(link + " is not a directory (a link or a file stands there)"), message);
    }

    @Test
    void manyThreadsAtOnceGetOneDirectory() throws Exception {
        List<Thread> threads = new java.util.ArrayList<>();
        List<Path> results = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        for (int i = 0; i < 8; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    results.add(cacheIn(temp).obtain(MemoryBundle.sample()));
                } catch (NativesCache.Unavailable e) {
                    throw new AssertionError(e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(8, results.size());
        assertEquals(1, results.stream().distinct().count());
        assertHoldsExactly(MemoryBundle.sample(), results.getFirst());
        assertEquals(2, siblings(temp).size());
    }
}
