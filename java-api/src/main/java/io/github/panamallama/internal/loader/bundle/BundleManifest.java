package io.github.panamallama.internal.loader.bundle;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a natives bundle holds, read from its {@code natives.manifest}: where it runs, which
 * llama.cpp it is, and every file with its size and SHA-256. {@code scripts/stage-natives.sh}
 * writes it at build time. The format, one entry per line, {@code #} starting a comment:
 *
 * <pre>
 * format 1
 * classifier linux-x86_64
 * os linux
 * arch x86_64
 * variant cpu
 * llama.cpp 0.5.0
 * origin @node-llama-cpp/linux-x64@3.22.1
 * file &lt;sha256&gt; &lt;size&gt; &lt;name&gt;
 * </pre>
 *
 * @param cacheKey names this exact content in the cache: the classifier and the start of the
 *     manifest's own SHA-256, so a different build of the natives never reuses another's files
 */
public record BundleManifest(String classifier, String os, String arch, String variant, String llamaCppVersion,
                             String origin, List<BundleFile> files, String cacheKey) {
    private static final String FORMAT = "1";
    private static final List<String> REQUIRED = List.of("format", "classifier", "os", "arch", "variant", "llama.cpp", "origin");
    private static final int KEY_HEX_DIGITS = 16;
    // The classifier becomes part of a directory name in the cache.
    private static final Pattern CLASSIFIER = Pattern.compile("[a-z0-9]+(?:[-_][a-z0-9]+)*");

    public BundleManifest {
        files = List.copyOf(files);
    }

    /** Total bytes of all files. */
    public long totalSize() {
        return files.stream().mapToLong(BundleFile::size).sum();
    }

    /** Whether this bundle holds a GPU build (cuda, vulkan, metal, ...), which the loader tries before CPU ones. */
    public boolean gpu() {
        return !variant.equals("cpu");
    }

    /**
     * @throws IllegalArgumentException naming the line and what is wrong with it
     */
    public static BundleManifest parse(byte[] content) {
        String text = new String(content, StandardCharsets.UTF_8);
        Map<String, String> values = new HashMap<>();
        List<BundleFile> files = new ArrayList<>();
        Set<String> names = new HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int lineNumber = i + 1;
            String[] fields = line.split("\\s+");
            String key = fields[0];
            try {
                if (key.equals("file")) {
                    if (fields.length != 4) {
                        throw new IllegalArgumentException("expected \"file <sha256> <size> <name>\"");
                    }
                    BundleFile file = new BundleFile(fields[3], parseSize(fields[2]), fields[1]);
                    if (!names.add(file.name())) {
                        throw new IllegalArgumentException("file " + file.name() + " is listed twice");
                    }
                    files.add(file);
                } else if (REQUIRED.contains(key)) {
                    if (fields.length != 2) {
                        throw new IllegalArgumentException("expected \"" + key + " <value>\"");
                    }
                    if (values.putIfAbsent(key, fields[1]) != null) {
                        throw new IllegalArgumentException(key + " is given twice");
                    }
                } else {
                    throw new IllegalArgumentException("unknown entry \"" + key + "\"");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("natives manifest line " + lineNumber + ": " + e.getMessage(), e);
            }
        }
        for (String key : REQUIRED) {
            if (!values.containsKey(key)) {
                throw new IllegalArgumentException("natives manifest has no \"" + key + "\" line");
            }
        }
        if (!values.get("format").equals(FORMAT)) {
            throw new IllegalArgumentException("natives manifest format " + values.get("format")
                    + " is not " + FORMAT + ": the natives jar is of another panama-llama version");
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("natives manifest lists no files");
        }
        String classifier = values.get("classifier");
        if (!CLASSIFIER.matcher(classifier).matches()) {
            throw new IllegalArgumentException("natives manifest classifier \"" + classifier
                    + "\" is not lower-case letters, digits, '-' and '_'");
        }
        String key = classifier + "-" + HexFormat.of().formatHex(sha256(content)).substring(0, KEY_HEX_DIGITS);
        return new BundleManifest(classifier, values.get("os"), values.get("arch"), values.get("variant"),
                values.get("llama.cpp"), values.get("origin"), files, key);
    }

    private static long parseSize(String size) {
        try {
            return Long.parseLong(size);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size \"" + size + "\" is not a number");
        }
    }

    static byte[] sha256(byte[] bytes) {
        return newDigest().digest(bytes);
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
