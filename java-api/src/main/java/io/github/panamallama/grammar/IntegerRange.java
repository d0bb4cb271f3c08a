package io.github.panamallama.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * GBNF for the decimal integers in an inclusive range, in canonical JSON form (no leading
 * zeros, no {@code -0}). Bounds are limited to 16 digits, like the plain {@code integer} rule.
 */
final class IntegerRange {
    /** The largest magnitude any generated integer may have: 16 nines. */
    static final long LIMIT = 9_999_999_999_999_999L;

    private IntegerRange() {}

    /** An expression matching exactly the integers in {@code [min, max]}; {@code min <= max}. */
    static String expression(long min, long max) {
        if (min > max || min < -LIMIT || max > LIMIT) {
            throw new IllegalArgumentException("bad integer range [" + min + ", " + max + "]");
        }
        List<String> alternatives = new ArrayList<>();
        if (min < 0) {
            // -a..-b is "-" then b..a, with b at least 1 so that -0 never appears.
            long low = Math.max(1, -max);
            alternatives.add("\"-\" " + group(nonNegative(low, -min)));
        }
        if (max >= 0) {
            alternatives.addAll(nonNegative(Math.max(0, min), max));
        }
        return String.join(" | ", alternatives);
    }

    /** Alternatives for {@code [low, high]}, both non-negative, split by digit count. */
    private static List<String> nonNegative(long low, long high) {
        List<String> alternatives = new ArrayList<>();
        int lowDigits = Long.toString(low).length();
        int highDigits = Long.toString(high).length();
        for (int digits = lowDigits; digits <= highDigits; digits++) {
            long first = digits == 1 ? 0 : pow10(digits - 1);
            long last = pow10(digits) - 1;
            String from = Long.toString(Math.max(low, first));
            String to = Long.toString(Math.min(high, last));
            alternatives.add(sameLength(from, to));
        }
        return alternatives;
    }

    /** Digit strings of one length between {@code from} and {@code to} inclusive. */
    private static String sameLength(String from, String to) {
        int length = from.length();
        if (length == 0) {
            return "";
        }
        if (from.equals(to)) {
            return Gbnf.literal(from);
        }
        char a = from.charAt(0);
        char b = to.charAt(0);
        String fromRest = from.substring(1);
        String toRest = to.substring(1);
        if (a == b) {
            return join(Gbnf.literal(String.valueOf(a)), group(List.of(sameLength(fromRest, toRest))));
        }
        List<String> alternatives = new ArrayList<>();
        // Whole digit blocks go in the middle; only partial blocks need a recursion.
        char middleFrom = fromRest.chars().allMatch(c -> c == '0') ? a : (char) (a + 1);
        char middleTo = toRest.chars().allMatch(c -> c == '9') ? b : (char) (b - 1);
        if (middleFrom != a) {
            alternatives.add(join(Gbnf.literal(String.valueOf(a)),
                    group(List.of(sameLength(fromRest, "9".repeat(length - 1))))));
        }
        if (middleFrom <= middleTo) {
            String digit = middleFrom == middleTo ? Gbnf.literal(String.valueOf(middleFrom))
                    : "[" + middleFrom + "-" + middleTo + "]";
            alternatives.add(join(digit, anyDigits(length - 1)));
        }
        if (middleTo != b) {
            alternatives.add(join(Gbnf.literal(String.valueOf(b)),
                    group(List.of(sameLength("0".repeat(length - 1), toRest)))));
        }
        return String.join(" | ", alternatives);
    }

    private static String anyDigits(int count) {
        return switch (count) {
            case 0 -> "";
            case 1 -> "[0-9]";
            default -> "[0-9]{" + count + "}";
        };
    }

    private static String join(String head, String tail) {
        return tail.isEmpty() ? head : head + " " + tail;
    }

    /** Alternatives as one sequence element: parenthesised when there is more than one. */
    private static String group(List<String> alternatives) {
        return Gbnf.group(String.join(" | ", alternatives));
    }

    private static long pow10(int exponent) {
        long value = 1;
        for (int i = 0; i < exponent; i++) {
            value *= 10;
        }
        return value;
    }
}
