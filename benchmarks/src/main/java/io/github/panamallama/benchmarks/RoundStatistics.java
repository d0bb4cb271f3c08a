package io.github.panamallama.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** How the comparisons summarise their rounds: medians, per-round ratios, and their spread. */
final class RoundStatistics {
    private RoundStatistics() {}

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** {@code value[i] / reference[i]} for each round both have. */
    static List<Double> ratios(List<Double> values, List<Double> reference) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(values.size(), reference.size()); i++) {
            ratios.add(values.get(i) / reference.get(i));
        }
        return ratios;
    }

    /** "median [lowest - highest]", each in {@code format}. */
    static String spread(List<Double> values, String format) {
        return String.format(Locale.ROOT, format + " [" + format + " - " + format + "]", median(values),
                Collections.min(values), Collections.max(values));
    }
}
