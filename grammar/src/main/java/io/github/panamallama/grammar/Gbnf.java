package io.github.panamallama.grammar;

/** Spelling of GBNF terminals: quoted literals and character classes, escaped so any code point is safe. */
final class Gbnf {
    private Gbnf() {}

    /** A quoted GBNF literal matching {@code text} exactly. */
    static String literal(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        text.codePoints().forEach(cp -> appendEscaped(out, cp, false));
        return out.append('"').toString();
    }

    /** A GBNF literal for one code point. */
    static String literal(int codePoint) {
        return literal(Character.toString(codePoint));
    }

    /**
     * The inside of a GBNF character class for the inclusive ranges {@code ranges[2i]..ranges[2i+1]}.
     * The caller adds the brackets (and {@code ^} when negated).
     */
    static String classBody(int[] ranges) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < ranges.length; i += 2) {
            appendEscaped(out, ranges[i], true);
            if (ranges[i + 1] != ranges[i]) {
                if (ranges[i + 1] > ranges[i] + 1) {
                    out.append('-');
                }
                appendEscaped(out, ranges[i + 1], true);
            }
        }
        return out.toString();
    }

    /**
     * ASCII output only: anything outside printable ASCII becomes an escape, so the grammar text
     * is the same whatever encoding carries it.
     */
    private static void appendEscaped(StringBuilder out, int cp, boolean inClass) {
        switch (cp) {
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            case '\\' -> out.append("\\\\");
            case '"' -> out.append("\\\"");
            default -> {
                if (inClass && (cp == ']' || cp == '[' || cp == '-')) {
                    out.append('\\').appendCodePoint(cp);
                } else if (inClass && cp == '^') {
                    // GBNF has no \^ escape; a leading ^ would negate the class.
                    out.append("\\x5E");
                } else if (cp < 0x20 || cp == 0x7F) {
                    out.append(String.format("\\x%02X", cp));
                } else if (cp < 0x7F) {
                    out.append((char) cp);
                } else if (cp <= 0xFFFF) {
                    out.append(String.format("\\u%04X", cp));
                } else {
                    out.append(String.format("\\U%08X", cp));
                }
            }
        }
    }

    /** The expression as one element of a sequence: parenthesised if it has a top-level {@code |}. */
    static String group(String expression) {
        return topLevel(expression, '|') ? "( " + expression + " )" : expression;
    }

    /**
     * The expression as something a quantifier may follow: a name, literal, class or group.
     * Sequences, alternatives and already-quantified elements get parentheses.
     */
    static String atom(String expression) {
        boolean quantified = !expression.isEmpty() && "*+?}".indexOf(expression.charAt(expression.length() - 1)) >= 0;
        return quantified || topLevel(expression, ' ') ? "( " + expression + " )" : expression;
    }

    /** A rule body: the expression without parentheses that enclose all of it. */
    static String unwrap(String expression) {
        if (expression.startsWith("( ") && expression.endsWith(" )")) {
            String inner = expression.substring(2, expression.length() - 2);
            if (balanced(inner)) {
                return inner;
            }
        }
        return expression;
    }

    /** Whether the parentheses outside literals and classes never close more than they opened. */
    private static boolean balanced(String expression) {
        int depth = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (c == '"' || c == '[') {
                i = skip(expression, i);
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth < 0) {
                return false;
            }
        }
        return depth == 0;
    }

    /** The index of the end of the literal or class starting at {@code start}. */
    private static int skip(String expression, int start) {
        char close = expression.charAt(start) == '"' ? '"' : ']';
        int i = start + 1;
        for (; i < expression.length() && expression.charAt(i) != close; i++) {
            if (expression.charAt(i) == '\\') {
                i++;
            }
        }
        return i;
    }

    /** Whether {@code wanted} occurs outside literals, classes and parentheses. */
    private static boolean topLevel(String expression, char wanted) {
        int depth = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (c == '"' || c == '[') {
                i = skip(expression, i);
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == wanted && depth == 0) {
                return true;
            }
        }
        return false;
    }
}
