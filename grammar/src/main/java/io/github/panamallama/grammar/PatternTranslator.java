package io.github.panamallama.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * Translates a simple regular expression ({@code pattern}) into GBNF for the inside of a JSON
 * string. Supported: literals, escapes ({@code \d \w \s} and their negations, {@code \n \t \r},
 * {@code \xHH}, {@code \}{@code uHHHH}, escaped punctuation), {@code .}, character classes with
 * ranges and negation, groups ({@code (...)}, {@code (?:...)}), alternation, and the quantifiers
 * {@code * + ? {m} {m,} {m,n}} (lazy forms match the same strings). Anything else (lookaround,
 * back-references, word boundaries, anchors inside the pattern, Unicode properties) is rejected.
 *
 * <p>The whole string must match the pattern: a leading {@code ^} and trailing {@code $} are
 * implied. For an unanchored pattern this generates a subset of the valid strings, which is
 * safe for generation. Generated characters are written as JSON needs them: a quote or
 * backslash escaped, control characters as JSON escapes; {@code .} and negated classes produce
 * only characters that need no escape.
 */
final class PatternTranslator {
    /** Code points that may appear unescaped in a JSON string (GBNF class body for a negation). */
    private static final String NEEDS_ESCAPE = "\"\\\\\\x7F\\x00-\\x1F";
    private static final int MAX_CODE_POINT = Character.MAX_CODE_POINT;

    private final String pattern;
    private final String where;
    private int pos;

    private PatternTranslator(String pattern, String where) {
        this.pattern = pattern;
        this.where = where;
    }

    /** GBNF for the string contents matching {@code pattern}; {@code where} names it in errors. */
    static String translate(String pattern, String where) {
        String body = pattern;
        if (body.startsWith("^")) {
            body = body.substring(1);
        }
        if (body.endsWith("$") && !body.endsWith("\\$")) {
            body = body.substring(0, body.length() - 1);
        }
        PatternTranslator translator = new PatternTranslator(body, where);
        String expression = translator.alternation();
        if (translator.pos < body.length()) {
            throw translator.unsupported("unbalanced ')'");
        }
        return expression;
    }

    private String alternation() {
        List<String> branches = new ArrayList<>();
        branches.add(sequence());
        while (peek() == '|') {
            pos++;
            branches.add(sequence());
        }
        if (branches.size() == 1) {
            return branches.getFirst();
        }
        return String.join(" | ", branches.stream().map(b -> b.isEmpty() ? "\"\"" : b).toList());
    }

    private String sequence() {
        List<String> items = new ArrayList<>();
        StringBuilder literalRun = new StringBuilder();
        while (pos < pattern.length() && peek() != '|' && peek() != ')') {
            int start = pos;
            Element element = element();
            String quantifier = quantifier();
            if (element.literal() != null && quantifier.isEmpty()) {
                literalRun.append(element.literal());
                continue;
            }
            flush(literalRun, items);
            if (element.expression().isEmpty()) {
                if (!quantifier.isEmpty()) {
                    throw unsupported("quantifier on an empty group or class at offset " + start);
                }
                continue;
            }
            items.add(quantifier.isEmpty() ? element.expression() : Gbnf.atom(element.expression()) + quantifier);
        }
        flush(literalRun, items);
        return String.join(" ", items);
    }

    private static void flush(StringBuilder literalRun, List<String> items) {
        if (!literalRun.isEmpty()) {
            items.add(Gbnf.literal(literalRun.toString()));
            literalRun.setLength(0);
        }
    }

    /**
     * One matched unit. {@code literal} is its JSON text when it is a single fixed character
     * (so runs of them become one GBNF literal), else null.
     */
    private record Element(String expression, String literal) {}

    private Element element() {
        int c = pattern.codePointAt(pos);
        pos += Character.charCount(c);
        return switch (c) {
            case '(' -> group();
            case '[' -> charClass();
            case '.' -> new Element("[^" + NEEDS_ESCAPE + "]", null);
            case '\\' -> escape();
            case '^', '$' -> throw unsupported("anchor '" + (char) c + "' inside the pattern");
            case '*', '+', '?', '{' -> throw unsupported("quantifier '" + (char) c + "' with nothing to repeat");
            default -> single(c);
        };
    }

    private Element group() {
        if (pattern.startsWith("?:", pos)) {
            pos += 2;
        } else if (peek() == '?') {
            throw unsupported("group construct '(?' (lookaround, named or flag groups)");
        }
        String inner = alternation();
        if (peek() != ')') {
            throw unsupported("missing ')'");
        }
        pos++;
        return new Element(inner.isEmpty() ? "" : "( " + inner + " )", null);
    }

    private Element single(int c) {
        return new Element(Gbnf.literal(jsonText(c)), jsonText(c));
    }

    /** An escape outside a class. */
    private Element escape() {
        if (pos >= pattern.length()) {
            throw unsupported("trailing backslash");
        }
        int c = pattern.codePointAt(pos);
        CharSet shorthand = shorthand(c);
        if (shorthand != null) {
            pos++;
            return new Element(shorthand.toGbnf(), null);
        }
        int literal = escapedCodePoint();
        return single(literal);
    }

    /** \d \D \w \W \s \S, or null. */
    private static CharSet shorthand(int c) {
        return switch (c) {
            case 'd' -> CharSet.of('0', '9');
            case 'D' -> CharSet.of('0', '9').negate();
            case 'w' -> CharSet.of('a', 'z', 'A', 'Z', '0', '9', '_', '_');
            case 'W' -> CharSet.of('a', 'z', 'A', 'Z', '0', '9', '_', '_').negate();
            case 's' -> CharSet.of(' ', ' ', '\t', '\r');
            case 'S' -> CharSet.of(' ', ' ', '\t', '\r').negate();
            default -> null;
        };
    }

    /** The code point an escape such as {@code \n}, {@code \x41} or {@code \.} stands for. */
    private int escapedCodePoint() {
        int c = pattern.codePointAt(pos);
        pos += Character.charCount(c);
        return switch (c) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            case 'f' -> '\f';
            case 'v' -> 0x0B;
            case '0' -> 0;
            case 'x' -> hex(2);
            case 'u' -> hex(4);
            default -> {
                if (c < 0x80 && Character.isLetterOrDigit(c)) {
                    throw unsupported("escape '\\" + (char) c + "'");
                }
                yield c;
            }
        };
    }

    private int hex(int digits) {
        if (pos + digits > pattern.length()) {
            throw unsupported("short hex escape");
        }
        try {
            int value = Integer.parseInt(pattern.substring(pos, pos + digits), 16);
            pos += digits;
            return value;
        } catch (NumberFormatException e) {
            throw unsupported("bad hex escape");
        }
    }

    private Element charClass() {
        boolean negated = peek() == '^';
        if (negated) {
            pos++;
        }
        CharSet set = CharSet.empty();
        boolean first = true;
        while (true) {
            if (pos >= pattern.length()) {
                throw unsupported("missing ']'");
            }
            int c = pattern.codePointAt(pos);
            if (c == ']' && !first) {
                pos++;
                break;
            }
            first = false;
            if (c == '[') {
                throw unsupported("nested or POSIX class '['");
            }
            pos += Character.charCount(c);
            if (c == '\\') {
                CharSet shorthand = pos < pattern.length() ? shorthand(pattern.codePointAt(pos)) : null;
                if (shorthand != null) {
                    pos++;
                    set = set.union(shorthand);
                    continue;
                }
                c = escapedCodePoint();
            }
            if (peek() == '-' && pos + 1 < pattern.length() && pattern.charAt(pos + 1) != ']') {
                pos++;
                int end = pattern.codePointAt(pos);
                pos += Character.charCount(end);
                if (end == '\\') {
                    end = escapedCodePoint();
                }
                if (end < c) {
                    throw unsupported("reversed range in class");
                }
                set = set.union(CharSet.of(c, end));
            } else {
                set = set.union(CharSet.of(c, c));
            }
        }
        return new Element((negated ? set.negate() : set).toGbnf(), null);
    }

    private String quantifier() {
        int c = peek();
        String result;
        switch (c) {
            case '*', '+', '?' -> {
                pos++;
                result = String.valueOf((char) c);
            }
            case '{' -> {
                int close = pattern.indexOf('}', pos);
                if (close < 0) {
                    throw unsupported("missing '}'");
                }
                String spec = pattern.substring(pos + 1, close);
                if (!spec.matches("\\d{1,4}(,\\d{0,4})?")) {
                    throw unsupported("quantifier '{" + spec + "}'");
                }
                String[] parts = spec.split(",", -1);
                for (String part : parts) {
                    if (!part.isEmpty() && Integer.parseInt(part) > SchemaConverter.MAX_COUNT) {
                        throw unsupported("quantifier '{" + spec + "}' above " + SchemaConverter.MAX_COUNT
                                + " (llama.cpp's limit)");
                    }
                }
                if (parts.length == 2 && !parts[1].isEmpty() && Integer.parseInt(parts[1]) < Integer.parseInt(parts[0])) {
                    throw unsupported("quantifier '{" + spec + "}' with max below min");
                }
                pos = close + 1;
                result = "{" + spec + "}";
            }
            default -> {
                return "";
            }
        }
        if (peek() == '?') {
            pos++; // lazy: same language
        } else if (peek() == '+') {
            throw unsupported("possessive quantifier");
        }
        return result;
    }

    private int peek() {
        return pos < pattern.length() ? pattern.charAt(pos) : -1;
    }

    private IllegalArgumentException unsupported(String what) {
        return new IllegalArgumentException(
                "unsupported regular expression at " + where + ": " + what + " in pattern '" + pattern + "'");
    }

    /** How a code point is written inside a JSON string. */
    private static String jsonText(int c) {
        return switch (c) {
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            case '\n' -> "\\n";
            case '\t' -> "\\t";
            case '\r' -> "\\r";
            case '\b' -> "\\b";
            case '\f' -> "\\f";
            default -> c < 0x20 ? String.format("\\u%04x", c) : Character.toString(c);
        };
    }

    /** A set of code points as sorted, disjoint, non-adjacent inclusive ranges. */
    private record CharSet(List<int[]> ranges) {
        static CharSet empty() {
            return new CharSet(List.of());
        }

        static CharSet of(int... bounds) {
            CharSet set = empty();
            for (int i = 0; i < bounds.length; i += 2) {
                set = set.union(new CharSet(List.of(new int[] {bounds[i], bounds[i + 1]})));
            }
            return set;
        }

        CharSet union(CharSet other) {
            List<int[]> all = new ArrayList<>(ranges);
            all.addAll(other.ranges);
            all.sort((a, b) -> Integer.compare(a[0], b[0]));
            List<int[]> merged = new ArrayList<>();
            for (int[] r : all) {
                int[] last = merged.isEmpty() ? null : merged.getLast();
                if (last != null && r[0] <= last[1] + 1) {
                    last[1] = Math.max(last[1], r[1]);
                } else {
                    merged.add(new int[] {r[0], r[1]});
                }
            }
            return new CharSet(merged);
        }

        CharSet negate() {
            List<int[]> out = new ArrayList<>();
            int next = 0;
            for (int[] r : ranges) {
                if (r[0] > next) {
                    out.add(new int[] {next, r[0] - 1});
                }
                next = r[1] + 1;
            }
            if (next <= MAX_CODE_POINT) {
                out.add(new int[] {next, MAX_CODE_POINT});
            }
            return new CharSet(out);
        }

        boolean contains(int c) {
            return ranges.stream().anyMatch(r -> r[0] <= c && c <= r[1]);
        }

        /**
         * Unescaped characters as one class; quote, backslash and controls as their JSON
         * escapes, one alternative each. A set reaching past U+FFFF is written as a negated
         * class of what it lacks, so negations stay short.
         */
        String toGbnf() {
            List<String> alternatives = new ArrayList<>();
            CharSet plain = minus(CharSet.of(0, 0x1F, '"', '"', '\\', '\\', 0x7F, 0x7F));
            if (!plain.ranges.isEmpty()) {
                boolean large = plain.ranges.getLast()[1] == MAX_CODE_POINT;
                if (large) {
                    CharSet missing = plain.negate().minus(CharSet.of(0, 0x1F, '"', '"', '\\', '\\', 0x7F, 0x7F));
                    alternatives.add("[^" + Gbnf.classBody(missing.flat()) + NEEDS_ESCAPE + "]");
                } else if (plain.ranges.size() == 1 && plain.ranges.getFirst()[0] == plain.ranges.getFirst()[1]) {
                    alternatives.add(Gbnf.literal(plain.ranges.getFirst()[0]));
                } else {
                    alternatives.add("[" + Gbnf.classBody(plain.flat()) + "]");
                }
            }
            // Negated sets (large) give only unescaped characters: a subset, and readable output.
            boolean large = !ranges.isEmpty() && ranges.getLast()[1] == MAX_CODE_POINT;
            if (!large) {
                for (int c : new int[] {'"', '\\', '\b', '\t', '\n', '\f', '\r'}) {
                    if (contains(c)) {
                        alternatives.add(Gbnf.literal(jsonText(c)));
                    }
                }
            }
            if (alternatives.isEmpty()) {
                return "";
            }
            return alternatives.size() == 1 ? alternatives.getFirst() : "( " + String.join(" | ", alternatives) + " )";
        }

        CharSet minus(CharSet other) {
            return negate().union(other).negate();
        }

        int[] flat() {
            int[] out = new int[ranges.size() * 2];
            for (int i = 0; i < ranges.size(); i++) {
                out[2 * i] = ranges.get(i)[0];
                out[2 * i + 1] = ranges.get(i)[1];
            }
            return out;
        }
    }
}
