package io.github.panamallama.benchmarks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Locale;

/**
 * One greedy generation as a child JVM of {@link JniPeerComparison} measured it, and the line it
 * prints it as. Speeds are from the first generated token to the last, wall clock, in the JVM
 * that asked for them: {@code (generated - 1) / (last - first)}.
 *
 * @param variant which binding and settings
 * @param promptTokens prompt length in tokens, BOS included
 * @param generated tokens generated
 * @param firstTokenMillis from the request (tokenizing included) to the first generated token
 * @param tokensPerSecond generation speed, first to last token
 * @param textDigest the first 12 hex digits of the generated text's SHA-256, to compare outputs
 */
record GenerationSample(String variant, int promptTokens, int generated, double firstTokenMillis,
        double tokensPerSecond, String textDigest) {
    /** The prompt of every generation comparison: 40 sentences, 841 tokens on the fixture. */
    static final String PROMPT = String.join(" ", Collections.nCopies(40, "The quick brown fox jumps over the lazy dog."));
    /** Tokens generated per run. */
    static final int GENERATED = 256;

    private static final String PREFIX = "SAMPLE|";

    static GenerationSample timed(String variant, int promptTokens, int generated, long startNanos, long firstNanos,
            long lastNanos, String text) {
        return new GenerationSample(variant, promptTokens, generated, (firstNanos - startNanos) / 1e6,
                (generated - 1) * 1e9 / (lastNanos - firstNanos), digest(text));
    }

    static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String line() {
        return String.format(Locale.ROOT, "%s%s|%d|%d|%.3f|%.3f|%s", PREFIX, variant, promptTokens, generated,
                firstTokenMillis, tokensPerSecond, textDigest);
    }

    static boolean isLine(String line) {
        return line.startsWith(PREFIX);
    }

    static GenerationSample parse(String line) {
        String[] fields = line.substring(PREFIX.length()).split("\\|");
        if (fields.length != 6) {
            throw new IllegalArgumentException("not a sample line: " + line);
        }
        return new GenerationSample(fields[0], Integer.parseInt(fields[1]), Integer.parseInt(fields[2]),
                Double.parseDouble(fields[3]), Double.parseDouble(fields[4]), fields[5]);
    }
}
