package io.github.panamallama.internal.loader.bundle;

import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * One file of a natives bundle as its manifest lists it.
 *
 * @param name a plain file name: no directory, never hidden, so extraction cannot write outside its directory
 * @param size its length in bytes
 * @param sha256 its SHA-256, 64 lower-case hex digits
 */
public record BundleFile(String name, long size, String sha256) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_+-][A-Za-z0-9._+-]*");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public BundleFile {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain file name: \"" + name + "\"");
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size + " for " + name);
        }
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("not a SHA-256 (64 lower-case hex digits) for " + name + ": \"" + sha256 + "\"");
        }
    }

    /** Whether these bytes' digest is this file's. */
    boolean matches(byte[] digest) {
        return HexFormat.of().formatHex(digest).equals(sha256);
    }
}
