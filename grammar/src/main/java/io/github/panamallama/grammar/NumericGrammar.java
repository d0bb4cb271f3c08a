package io.github.panamallama.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/** Integers and numbers, with their bounds (minimum, maximum, exclusive forms). */
final class NumericGrammar {
    private NumericGrammar() {}

    /**
     * Integers, within the bounds if any. Bounds may be fractional (rounded inwards) and
     * exclusive in either spelling: a number (2019-09 on) or a boolean beside the bound (draft 4).
     */
    static String integer(JsonNode schema, String pointer, GbnfRules rules) {
        BigDecimal min = BigDecimal.valueOf(-IntegerRange.LIMIT);
        BigDecimal max = BigDecimal.valueOf(IntegerRange.LIMIT);
        boolean bounded = false;
        for (String keyword : SchemaConverter.NUMERIC_KEYWORDS) {
            JsonNode value = schema.get(keyword);
            if (value == null) {
                continue;
            }
            if (!value.isNumber()) {
                // Draft 4 spelled exclusivity as booleans beside minimum/maximum.
                if (value.isBoolean() && keyword.startsWith("exclusive")) {
                    continue;
                }
                throw SchemaConverter.error(pointer + "/" + keyword, "'" + keyword + "' must be a number, found " + value);
            }
            bounded = true;
            BigDecimal bound = value.decimalValue();
            boolean exclusive = keyword.startsWith("exclusive")
                    || schema.path("exclusive" + Character.toUpperCase(keyword.charAt(0)) + keyword.substring(1)).booleanValue();
            if (keyword.equals("minimum") || keyword.equals("exclusiveMinimum")) {
                BigDecimal lowest = exclusive ? bound.setScale(0, RoundingMode.FLOOR).add(BigDecimal.ONE) : bound.setScale(0, RoundingMode.CEILING);
                min = min.max(lowest);
            } else {
                BigDecimal highest = exclusive ? bound.setScale(0, RoundingMode.CEILING).subtract(BigDecimal.ONE) : bound.setScale(0, RoundingMode.FLOOR);
                max = max.min(highest);
            }
        }
        if (!bounded) {
            return rules.use(Primitive.INTEGER);
        }
        if (min.compareTo(max) > 0) {
            throw SchemaConverter.error(pointer, "no integer lies within the bounds (at most 16 digits are generated)");
        }
        return Gbnf.group(IntegerRange.expression(min.longValueExact(), max.longValueExact()));
    }

    /**
     * Numbers between whole-number bounds, inclusive. Without bounds, the plain number rule.
     * With them, no exponent: an integer part chosen so the bound holds whatever the fraction,
     * or the bound itself with a zero fraction.
     */
    static String number(JsonNode schema, String pointer, GbnfRules rules) {
        long min = -IntegerRange.LIMIT;
        long max = IntegerRange.LIMIT;
        boolean bounded = false;
        for (String keyword : SchemaConverter.NUMERIC_KEYWORDS) {
            JsonNode value = schema.get(keyword);
            if (value == null) {
                continue;
            }
            if (keyword.startsWith("exclusive")) {
                throw SchemaConverter.error(pointer, "unsupported keyword '" + keyword + "' for type 'number' (supported for 'integer')");
            }
            if (!value.isNumber() || value.decimalValue().stripTrailingZeros().scale() > 0
                    || value.decimalValue().abs().compareTo(BigDecimal.valueOf(IntegerRange.LIMIT)) > 0) {
                throw SchemaConverter.error(pointer + "/" + keyword, "'" + keyword + "' of a 'number' must be a whole number of at most 16 digits,"
                        + " found " + value);
            }
            bounded = true;
            if (keyword.equals("minimum")) {
                min = value.decimalValue().longValueExact();
            } else {
                max = value.decimalValue().longValueExact();
            }
        }
        if (!bounded) {
            return rules.use(Primitive.NUMBER);
        }
        if (min > max) {
            throw SchemaConverter.error(pointer, "'minimum' " + min + " is above 'maximum' " + max);
        }
        String fraction = "( \".\" [0-9]{1,16} )?";
        String zeros = "( \".\" \"0\"{1,16} )?";
        List<String> alternatives = new ArrayList<>();
        if (min < 0) {
            // -(i + f) >= min needs i < -min, or i == -min with f == 0; <= max needs i >= -max.
            long lowest = max >= 0 ? 0 : -max;
            List<String> magnitudes = new ArrayList<>();
            if (lowest <= -min - 1) {
                magnitudes.add(Gbnf.group(IntegerRange.expression(lowest, -min - 1)) + " " + fraction);
            }
            magnitudes.add(Gbnf.literal(Long.toString(-min)) + " " + zeros);
            alternatives.add("\"-\" " + Gbnf.group(String.join(" | ", magnitudes)));
        }
        if (max >= 0) {
            long lowest = Math.max(min, 0);
            if (lowest <= max - 1) {
                alternatives.add(Gbnf.group(IntegerRange.expression(lowest, max - 1)) + " " + fraction);
            }
            alternatives.add(Gbnf.literal(Long.toString(max)) + " " + zeros);
        }
        return "( " + String.join(" | ", alternatives) + " )";
    }
}
