package io.github.panamallama.examples;

import io.github.panamallama.Vocabulary;

/**
 * A long text for the long-context example when no file is given: plain sentences, varied by a
 * fixed pseudo-random walk, with one fact (the "needle") in the middle to ask about.
 */
final class HaystackText {
    static final String SECRET = "4817";
    /** Default size: enough to be a long prompt, small enough to run in seconds on a CPU. */
    static final int DEFAULT_TOKENS = 4000;
    private static final String[] SUBJECTS = {"The river", "An old farmer", "The night train", "A small bakery",
            "The library", "A red kite", "The harbour", "An orchard", "The village choir", "A mountain path"};
    private static final String[] VERBS = {"waited beside", "looked across", "wandered past", "remembered",
            "slowly circled", "quietly watched", "drifted toward", "welcomed"};
    private static final String[] OBJECTS = {"the grey hills", "a field of barley", "the market square",
            "the frozen lake", "an empty station", "the evening lights", "a row of cottages", "the northern woods"};

    private HaystackText() {}

    /** About {@code tokens} tokens of text (at most that many) for this vocabulary. */
    static String filling(Vocabulary vocabulary, int tokens) {
        if (tokens < 64) {
            throw new IllegalArgumentException("no room for a generated text: " + tokens + " tokens");
        }
        String paragraph = paragraph(0, 40);
        int perParagraph = vocabulary.tokenize(paragraph, false, false).length;
        // 5% under the estimate: tokens at paragraph joins differ a little.
        int paragraphs = Math.max(1, (int) (tokens * 0.95 / perParagraph));
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < paragraphs; p++) {
            if (p == paragraphs / 2) {
                text.append("Remember this: the secret number is ").append(SECRET).append(".\n\n");
            }
            text.append(paragraph(p, 40)).append("\n\n");
        }
        return text.toString();
    }

    private static String paragraph(int index, int sentences) {
        StringBuilder text = new StringBuilder();
        long state = 0x9E3779B97F4A7C15L * (index + 1);
        for (int s = 0; s < sentences; s++) {
            state = state * 6364136223846793005L + 1442695040888963407L;
            int r = (int) (state >>> 33);
            text.append(SUBJECTS[r % SUBJECTS.length]).append(' ')
                    .append(VERBS[(r >>> 4) % VERBS.length]).append(' ')
                    .append(OBJECTS[(r >>> 8) % OBJECTS.length]).append(". ");
        }
        return text.toString().strip();
    }
}
