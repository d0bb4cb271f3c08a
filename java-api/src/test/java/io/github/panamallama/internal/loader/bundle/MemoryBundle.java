package io.github.panamallama.internal.loader.bundle;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A bundle held in memory, with a manifest written the way scripts/stage-natives.sh writes one. */
class MemoryBundle implements BundleSource {
    private final Map<String, byte[]> files;
    private final BundleManifest manifest;
    private final AtomicInteger opened = new AtomicInteger();

    MemoryBundle(Map<String, byte[]> files) {
        this(files, files);
    }

    /** A bundle whose manifest describes {@code listed} but whose files are {@code served}: a corrupt jar. */
    MemoryBundle(Map<String, byte[]> listed, Map<String, byte[]> served) {
        this.files = new LinkedHashMap<>(served);
        this.manifest = BundleManifest.parse(manifestText(listed).getBytes(StandardCharsets.UTF_8));
    }

    /** Three small files, the first one standing for libllama. */
    static MemoryBundle sample() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("libllama.so", "llama bytes".getBytes(StandardCharsets.UTF_8));
        files.put("libggml-base.so", "ggml base bytes, a few more of them".getBytes(StandardCharsets.UTF_8));
        files.put("libggml-cpu-x64.so", new byte[4096]);
        return new MemoryBundle(files);
    }

    static String manifestText(Map<String, byte[]> files) {
        StringBuilder text = new StringBuilder("""
                # test bundle
                format 1
                classifier linux-x86_64
                os linux
                arch x86_64
                variant cpu
                llama.cpp 0.5.0
                origin memory
                """);
        files.forEach((name, bytes) -> text.append("file ")
                .append(HexFormat.of().formatHex(BundleManifest.sha256(bytes))).append(' ')
                .append(bytes.length).append(' ').append(name).append('\n'));
        return text.toString();
    }

    byte[] bytes(String name) {
        return files.get(name);
    }

    /** How many files were read from the bundle: zero when a cached copy was used. */
    int opened() {
        return opened.get();
    }

    @Override
    public String describe() {
        return "memory bundle";
    }

    @Override
    public BundleManifest manifest() {
        return manifest;
    }

    @Override
    public InputStream open(String fileName) throws FileNotFoundException {
        byte[] bytes = files.get(fileName);
        if (bytes == null) {
            throw new FileNotFoundException(fileName);
        }
        opened.incrementAndGet();
        return new ByteArrayInputStream(bytes);
    }
}
