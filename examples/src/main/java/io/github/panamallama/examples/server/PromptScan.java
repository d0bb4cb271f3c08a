package io.github.panamallama.examples.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Set;

/**
 * Measures a request's prompt texts in the raw JSON, before the body becomes a tree: reading a
 * multi-megabyte string into a Java string costs far more than stepping over it. Each text's
 * size is its span in the body, which is at most six times its UTF-8 length (a "backslash u"
 * escape writes one byte as six), so {@code span / 6} is a safe lower bound to refuse on.
 */
final class PromptScan {
    /** The bytes one UTF-8 byte may take when escaped in JSON. */
    private static final int MOST_ESCAPED_BYTES = 6;

    private PromptScan() {}

    /**
     * Lower bounds on the UTF-8 bytes of the texts under the top-level {@code field}.
     *
     * @param total all of them together
     * @param largest the longest one
     */
    record Size(long total, long largest) {}

    /**
     * The texts under {@code field}: every string in it, or, when {@code textKeys} is not
     * empty, only strings that are values of those keys (e.g. a message's {@code content}).
     * A body that is not well-formed JSON measures nothing; the full parse reports it.
     */
    static Size of(byte[] body, JsonFactory factory, String field, Set<String> textKeys) {
        Tally tally = new Tally();
        try (JsonParser parser = factory.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return new Size(0, 0);
            }
            JsonToken token = parser.nextToken();
            while (token == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals(field)) {
                    token = walk(parser, value, textKeys, tally, body.length);
                } else {
                    parser.skipChildren();
                    token = parser.nextToken();
                }
            }
        } catch (IOException e) {
            // not well-formed: what was measured so far stands; the full parse will say what is wrong
        }
        return new Size(tally.total, tally.largest);
    }

    private static final class Tally {
        long total;
        long largest;

        void add(long escapedBytes) {
            long leastUtf8 = escapedBytes / MOST_ESCAPED_BYTES;
            total += leastUtf8;
            largest = Math.max(largest, leastUtf8);
        }
    }

    /** Steps over one value from its first token; returns the token after it. */
    private static JsonToken walk(JsonParser parser, JsonToken first, Set<String> textKeys, Tally tally, int end)
            throws IOException {
        JsonToken token = first;
        int depth = 0;
        while (token != null) {
            long textStart = -1;
            if (token == JsonToken.START_ARRAY || token == JsonToken.START_OBJECT) {
                depth++;
            } else if (token == JsonToken.END_ARRAY || token == JsonToken.END_OBJECT) {
                depth--;
            } else if (token == JsonToken.VALUE_STRING && (textKeys.isEmpty() || textKeys.contains(parser.currentName()))) {
                textStart = parser.currentTokenLocation().getByteOffset();
            }
            // Moving on skips a string without reading it; the text ends where the next token starts.
            token = parser.nextToken();
            if (textStart >= 0) {
                tally.add((token == null ? end : parser.currentTokenLocation().getByteOffset()) - textStart);
            }
            if (depth == 0) {
                return token;
            }
        }
        return null;
    }
}
