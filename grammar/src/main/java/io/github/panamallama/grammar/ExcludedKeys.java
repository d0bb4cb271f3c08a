package io.github.panamallama.grammar;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * GBNF for an object key (a quoted JSON string) that differs from every declared property name,
 * so additional properties cannot repeat a declared one. Keys are written without escapes: a
 * subset of all keys, which keeps the exclusion exact.
 */
final class ExcludedKeys {
    private static final String PLAIN = "\"\\\\\\x7F\\x00-\\x1F";

    private ExcludedKeys() {}

    static String expression(Collection<String> declared) {
        Node root = new Node();
        for (String name : declared) {
            if (name.codePoints().allMatch(ExcludedKeys::plain)) {
                Node node = root;
                for (int cp : name.codePoints().toArray()) {
                    node = node.children.computeIfAbsent(cp, k -> new Node());
                }
                node.terminal = true;
            }
        }
        return "\"\\\"\" " + Gbnf.group(rest(root));
    }

    /** The remainder of a key whose prefix led to {@code node}, closing quote included. */
    private static String rest(Node node) {
        List<String> alternatives = new ArrayList<>();
        if (!node.terminal) {
            alternatives.add("\"\\\"\"");
        }
        StringBuilder excluded = new StringBuilder();
        node.children.forEach((cp, child) -> {
            alternatives.add(Gbnf.literal(cp) + " " + Gbnf.group(rest(child)));
            excluded.append(Gbnf.classBody(new int[] {cp, cp}));
        });
        alternatives.add("[^" + excluded + PLAIN + "] [^" + PLAIN + "]* \"\\\"\"");
        return String.join(" | ", alternatives);
    }

    private static boolean plain(int cp) {
        return cp >= 0x20 && cp != '"' && cp != '\\' && cp != 0x7F;
    }

    private static final class Node {
        final TreeMap<Integer, Node> children = new TreeMap<>();
        boolean terminal;
    }
}
