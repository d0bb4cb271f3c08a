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

    /**
     * Alternatives for {@code [low, high]}, both non-negative, split by digit count. Digit
     * counts whose whole block lies inside the range share one alternative, e.g. 10..9999 is
     * {@code [1-9] [0-9]{1,3}}.
     */
    private static List<String> nonNegative(long low, long high) {
        List<String> alternatives = new ArrayList<>();
        int lowDigits = Long.toString(low).length();
        int highDigits = Long.toString(high).length();
        int fullRunStart = -1;
        for (int digits = lowDigits; digits <= highDigits + 1; digits++) {
            long first = digits == 1 ? 1 : pow10(digits - 1);
            long last = pow10(digits) - 1;
            boolean full = digits <= highDigits && low <= first && last <= high;
            if (full) {
                if (fullRunStart < 0) {
                    fullRunStart = digits;
                }
                if (digits == 1 && low == 0) {
                    alternatives.add("\"0\"");
                }
                continue;
            }
            if (fullRunStart > 0) {
                boolean zeroToNine = digits == 2 && !alternatives.isEmpty() && alternatives.getLast().equals("\"0\"");
                if (zeroToNine) {
                    alternatives.set(alternatives.size() - 1, "[0-9]");
                } else {
                    alternatives.add(join("[1-9]", repeatDigits(fullRunStart - 1, digits - 2)));
                }
                fullRunStart = -1;
            }
            if (digits > highDigits) {
                break;
            }
            String from = Long.toString(Math.max(low, digits == 1 ? 0 : first));
            String to = Long.toString(Math.min(high, last));
            alternatives.add(sameLength(from, to));
        }
        return alternatives;
    }

    private static String repeatDigits(int min, int max) {
        if (max == 0) {
            return "";
        }
        if (min == max) {
            return anyDigits(min);
        }
        return min == 0 && max == 1 ? "[0-9]?" : "[0-9]{" + min + "," + max + "}";
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

    /** {@code head tail}; two adjacent digit literals become one ({@code "1" "50"} is {@code "150"}). */
    private static String join(String head, String tail) {
        if (tail.isEmpty()) {
            return head;
        }
        if (head.matches("\"[0-9]+\"") && tail.matches("\"[0-9]+\".*") && !Gbnf.group(tail).startsWith("(")) {
            return head.substring(0, head.length() - 1) + tail.substring(1);
        }
        return head + " " + tail;
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
