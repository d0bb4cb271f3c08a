package io.github.panamallama.grammar;

import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The rules of one grammar under construction: unique names, definition order, and the
 * primitives in use. Rendering is deterministic: {@code root} first, then derived rules in the
 * order they were named, then the primitives in declaration order.
 */
final class GbnfRules {
    static final String ROOT = "root";

    private final Map<String, String> bodies = new LinkedHashMap<>();
    private final Set<String> taken = new HashSet<>();
    private final EnumSet<Primitive> primitives = EnumSet.noneOf(Primitive.class);

    GbnfRules() {
        taken.add(ROOT);
        for (Primitive p : Primitive.values()) {
            taken.add(p.ruleName());
        }
    }

    /** Marks a primitive (and what it uses) as needed; returns its rule name. */
    String use(Primitive primitive) {
        var pending = new ArrayDeque<Primitive>();
        pending.add(primitive);
        while (!pending.isEmpty()) {
            Primitive p = pending.poll();
            if (primitives.add(p)) {
                pending.addAll(p.uses());
            }
        }
        return primitive.ruleName();
    }

    /** Reserves a fresh rule name derived from {@code hint}; its body comes later via {@link #define}. */
    String reserve(String hint) {
        String base = ruleNameFor(hint);
        String name = base;
        for (int n = 2; !taken.add(name); n++) {
            name = base + "-" + n;
        }
        bodies.put(name, null);
        return name;
    }

    void define(String name, String body) {
        bodies.put(name, Gbnf.unwrap(body));
    }

    /** A new rule named after {@code hint}, with this body. */
    String add(String hint, String body) {
        String name = reserve(hint);
        define(name, body);
        return name;
    }

    String render(String rootBody) {
        StringBuilder out = new StringBuilder();
        out.append(ROOT).append(" ::= ").append(Gbnf.unwrap(rootBody)).append('\n');
        bodies.forEach((name, body) -> {
            if (body == null) {
                throw new IllegalStateException("rule " + name + " was named but never defined");
            }
            out.append(name).append(" ::= ").append(body).append('\n');
        });
        for (Primitive p : primitives) {
            out.append(p.ruleName()).append(" ::= ").append(p.body()).append('\n');
        }
        return out.toString();
    }

    /**
     * GBNF names are letters, digits and dashes. CamelCase and other separators become dashes,
     * everything lower case, so {@code TreeNode} and {@code tree_node} both read {@code tree-node}.
     */
    static String ruleNameFor(String hint) {
        StringBuilder out = new StringBuilder();
        int previous = '-';
        for (int i = 0; i < hint.length(); i++) {
            char c = hint.charAt(i);
            boolean letterOrDigit = c < 0x80 && Character.isLetterOrDigit(c);
            if (!letterOrDigit) {
                if (previous != '-') {
                    out.append('-');
                    previous = '-';
                }
                continue;
            }
            if (Character.isUpperCase(c) && Character.isLowerCase(previous) && previous != '-') {
                out.append('-');
            }
            out.append(Character.toLowerCase(c));
            previous = c;
        }
        while (!out.isEmpty() && out.charAt(out.length() - 1) == '-') {
            out.setLength(out.length() - 1);
        }
        return out.isEmpty() ? "rule" : out.toString().toLowerCase(Locale.ROOT);
    }
}
