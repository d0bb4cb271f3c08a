package io.github.panamallama.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A snippet turned into a Java compilation unit whose line numbers are the markdown file's:
 * blank lines stand in for the markdown above the snippet, so compiler messages and stack traces
 * point into the markdown.
 *
 * <p>A <b>compilation unit</b> (only type declarations, after optional package and imports)
 * compiles as written, in its own package unless it names one, and runs through the
 * {@code public static void main(String[])} of one of its types. A <b>statement block</b>
 * becomes the body of a {@code main} method that may throw anything; its leading
 * {@code import} lines are moved to the top, and {@link #IMPORTS} are always there.
 *
 * @param packageName the unit's package
 * @param topLevelTypes the simple names of the unit's types, where its {@code main} is looked for
 * @param text the unit's source
 */
record SnippetSource(Snippet snippet, Kind kind, String packageName, List<String> topLevelTypes, String text) {

    enum Kind { STATEMENTS, COMPILATION_UNIT }

    /** What every statement block may use without importing it; docs/java-api.md lists the same. */
    static final List<String> IMPORTS = List.of(
            "java.nio.file.*",
            "java.util.*",
            "io.github.panamallama.*",
            "io.github.panamallama.convert.*",
            "io.github.panamallama.gguf.*",
            "io.github.panamallama.grammar.*",
            "io.github.panamallama.langchain4j.*",
            "dev.langchain4j.data.embedding.Embedding",
            "dev.langchain4j.data.message.AiMessage",
            "dev.langchain4j.data.message.SystemMessage",
            "dev.langchain4j.data.message.UserMessage",
            "dev.langchain4j.model.chat.ChatModel",
            "dev.langchain4j.model.chat.StreamingChatModel",
            "dev.langchain4j.model.chat.request.ChatRequest",
            "dev.langchain4j.model.chat.response.ChatResponse",
            "dev.langchain4j.model.chat.response.StreamingChatResponseHandler",
            "dev.langchain4j.model.embedding.EmbeddingModel");

    static final String STATEMENTS_CLASS = "Snippet";
    private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(static\\s+)?[\\w.]+(\\.\\*)?\\s*;\\s*$");

    SnippetSource {
        topLevelTypes = List.copyOf(topLevelTypes);
    }

    /** The package a snippet compiles in unless it names one: unique per file and line. */
    static String defaultPackage(Snippet snippet) {
        String file = snippet.file().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        return "docsnippets." + file + ".line" + snippet.fenceLine();
    }

    /**
     * @param unit the snippet's shape as a compilation unit, when it is one: its declared package
     *     (if any) and its top-level types
     */
    static SnippetSource of(Snippet snippet, Optional<UnitShape> unit) {
        String pkg = defaultPackage(snippet);
        if (unit.isPresent()) {
            List<String> lines = new ArrayList<>(snippet.lines());
            String declared = unit.get().declaredPackage();
            if (declared.isEmpty()) {
                lines.set(0, "package " + pkg + "; " + lines.get(0));
            }
            return new SnippetSource(snippet, Kind.COMPILATION_UNIT, declared.isEmpty() ? pkg : declared,
                    unit.get().types(), "\n".repeat(snippet.fenceLine()) + String.join("\n", lines) + "\n");
        }
        StringBuilder header = new StringBuilder("package ").append(pkg).append(";");
        IMPORTS.forEach(name -> header.append(" import ").append(name).append(";"));
        List<String> body = new ArrayList<>();
        boolean leading = true;
        for (String line : snippet.lines()) {
            leading &= line.isBlank() || line.strip().startsWith("//") || IMPORT.matcher(line).matches();
            if (leading && IMPORT.matcher(line).matches()) {
                header.append(' ').append(line.strip());
                body.add("");
            } else {
                body.add(line);
            }
        }
        header.append(" public final class ").append(STATEMENTS_CLASS)
                .append(" { public static void main(String[] args) throws Throwable {");
        // The wrapper's header takes the fence's line.
        String text = "\n".repeat(snippet.fenceLine() - 1) + header + "\n" + String.join("\n", body) + "\n} }\n";
        return new SnippetSource(snippet, Kind.STATEMENTS, pkg, List.of(STATEMENTS_CLASS), text);
    }

    /** A snippet that parses as a compilation unit: its package ("" if none) and its top-level type names. */
    record UnitShape(String declaredPackage, List<String> types) {
    }
}
