package io.github.panamallama.tests;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of Prometheus' text exposition format (0.0.4): every line must be a
 * {@code # HELP}/{@code # TYPE} comment or a sample {@code name{labels} value}; anything else
 * fails the parse.
 */
final class PrometheusText {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"";
    private static final Pattern SAMPLE = Pattern.compile(
            "(" + NAME + ")(\\{(?:" + LABEL + "(?:," + LABEL + ")*)?})? (\\S+)");
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");

    private PrometheusText() {}

    /** Samples by their full name with labels (e.g. {@code x_total{endpoint="/a"}}) to values. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            Matcher type = TYPE.matcher(line);
            if (type.matches()) {
                if (types.put(type.group(1), type.group(2)) != null) {
                    throw new AssertionError("a second TYPE for " + type.group(1));
                }
                continue;
            }
            if (HELP.matcher(line).matches()) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches()) {
                throw new AssertionError("not a Prometheus text line: '" + line + "'");
            }
            String family = sample.group(1).replaceFirst("_(bucket|sum|count)$", "");
            if (!types.containsKey(sample.group(1)) && !types.containsKey(family)) {
                throw new AssertionError("a sample without a TYPE: '" + line + "'");
            }
            String value = sample.group(3);
            double number = value.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(value);
            if (samples.put(sample.group(1) + (sample.group(2) == null ? "" : sample.group(2)), number) != null) {
                throw new AssertionError("a repeated sample: '" + line + "'");
            }
        }
        return samples;
    }
}
