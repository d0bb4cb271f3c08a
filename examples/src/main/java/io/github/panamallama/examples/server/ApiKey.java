package io.github.panamallama.examples.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The optional {@code --api-key}: a request must send {@code Authorization: Bearer <key>}.
 * Both sides are hashed before the comparison, and {@link MessageDigest#isEqual} compares in
 * time independent of where they differ, so timing tells an attacker neither the key's length
 * nor how much of a guess was right.
 */
final class ApiKey {
    private static final String BEARER = "Bearer ";
    private final byte[] expected;

    ApiKey(String key) {
        this.expected = sha256(key);
    }

    /** Whether the {@code Authorization} header (null when absent) carries the key. */
    boolean accepts(String authorization) {
        String presented = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? authorization.substring(BEARER.length()).strip()
                : "";
        return MessageDigest.isEqual(expected, sha256(presented));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
