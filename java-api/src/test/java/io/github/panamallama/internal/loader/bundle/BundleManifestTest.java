package io.github.panamallama.internal.loader.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BundleManifestTest {
    private static final String SHA = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private static final String HEADER = """
            format 1
            classifier linux-x86_64-cuda
            os linux
            arch x86_64
            variant cuda
            llama.cpp 0.5.0
            origin @node-llama-cpp/linux-x64-cuda@3.22.1
            """;

    private static BundleManifest parse(String text) {
        return BundleManifest.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String error(String text) {
        return assertThrows(IllegalArgumentException.class, () -> parse(text)).getMessage();
    }

    @Test
    void readsEveryField() {
        BundleManifest manifest = parse("# comment\n" + HEADER + "\nfile " + SHA + " 3 libllama.v0.5.0.so\nfile " + SHA + " 10 libggml-base.so\n");
        assertEquals("linux-x86_64-cuda", manifest.classifier());
        assertEquals("linux", manifest.os());
        assertEquals("x86_64", manifest.arch());
        assertEquals("cuda", manifest.variant());
        assertTrue(manifest.gpu());
        assertEquals("0.5.0", manifest.llamaCppVersion());
        assertEquals("@node-llama-cpp/linux-x64-cuda@3.22.1", manifest.origin());
        assertEquals(List.of(new BundleFile("libllama.v0.5.0.so", 3, SHA), new BundleFile("libggml-base.so", 10, SHA)),
                manifest.files());
        assertEquals(13, manifest.totalSize());
    }

    @Test
    void cacheKeyIsTheClassifierAndTheManifestsHash() {
        BundleManifest manifest = parse(HEADER + "file " + SHA + " 3 libllama.so\n");
        assertTrue(manifest.cacheKey().matches("linux-x86_64-cuda-[0-9a-f]{16}"), manifest.cacheKey());
        assertEquals(manifest.cacheKey(), parse(HEADER + "file " + SHA + " 3 libllama.so\n").cacheKey());
        // Any change to any file changes the key, so another build never reuses these files.
        assertNotEquals(manifest.cacheKey(), parse(HEADER + "file " + SHA + " 4 libllama.so\n").cacheKey());
        assertNotEquals(manifest.cacheKey(), parse(HEADER + "file " + SHA.replace('a', 'b') + " 3 libllama.so\n").cacheKey());
    }

    @Test
    void theCpuVariantIsNoGpu() {
        MemoryBundle bundle = new MemoryBundle(Map.of("libllama.so", new byte[1]));
        assertFalse(bundle.manifest().gpu());
    }

    @Test
    void malformedLinesAreNamed() {
        assertEquals("natives manifest line 8: expected \"file <sha256> <size> <name>\"", error(HEADER + "file " + SHA + " 3\n"));
        assertEquals("natives manifest line 8: size \"x\" is not a number", error(HEADER + "file " + SHA + " x libllama.so\n"));
        assertEquals("natives manifest line 8: negative size -1 for libllama.so", error(HEADER + "file " + SHA + " -1 libllama.so\n"));
        assertEquals("natives manifest line 8: unknown entry \"files\"", error(HEADER + "files " + SHA + " 3 libllama.so\n"));
        assertEquals("natives manifest line 8: os is given twice", error(HEADER + "os macos\nfile " + SHA + " 3 a.so\n"));
        assertTrue(error(HEADER + "file ABC 3 libllama.so\n").startsWith("natives manifest line 8: not a SHA-256"));
    }

    @Test
    void fileNamesCannotLeaveTheDirectory() {
        for (String name : List.of("../libllama.so", "lib/llama.so", ".hidden", "/etc/passwd", "..")) {
            assertEquals("natives manifest line 8: not a plain file name: \"" + name + "\"",
                    error(HEADER + "file " + SHA + " 3 " + name + "\n"), name);
        }
    }

    @Test
    void aFileListedTwiceIsRejected() {
        assertEquals("natives manifest line 9: file a.so is listed twice",
                error(HEADER + "file " + SHA + " 3 a.so\nfile " + SHA + " 3 a.so\n"));
    }

    @Test
    void requiredEntriesAndFilesMustBeThere() {
        assertEquals("natives manifest has no \"llama.cpp\" line",
                error(HEADER.replace("llama.cpp 0.5.0\n", "") + "file " + SHA + " 3 a.so\n"));
        assertEquals("natives manifest lists no files", error(HEADER));
    }

    @Test
    void anotherFormatIsRefusedWithTheReason() {
        assertEquals("natives manifest format 2 is not 1: the natives jar is of another panama-llama version",
                error(HEADER.replace("format 1", "format 2") + "file " + SHA + " 3 a.so\n"));
    }

    @Test
    void theClassifierMustBeUsableAsADirectoryName() {
        assertTrue(error(HEADER.replace("classifier linux-x86_64-cuda", "classifier ../x") + "file " + SHA + " 3 a.so\n")
                .contains("classifier \"../x\""));
    }
}
