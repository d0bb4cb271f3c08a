package io.github.panamallama.docs;

import java.util.List;

/**
 * One fenced {@code java} block of a markdown file.
 *
 * @param file the markdown file, relative to the project root ({@code README.md}, {@code docs/java-api.md})
 * @param fenceLine the 1-based line of the opening fence; the block's first line is the next one
 * @param lines the block's lines, without the fences
 * @param mode whether the block runs or is only compiled
 */
record Snippet(String file, int fenceLine, List<String> lines, Mode mode) {

    /** What the test does with a snippet beyond compiling it. */
    enum Mode {
        /** Compiled, then run; it passes when it returns normally. */
        RUN,
        /** Marked {@code <!-- snippet: compile-only -->}: compiled, not run (e.g. it needs a GPU). */
        COMPILE_ONLY
    }

    Snippet {
        lines = List.copyOf(lines);
    }

    /** {@code README.md:52}: where a reader finds the snippet. */
    String location() {
        return file + ":" + fenceLine;
    }

    String code() {
        return String.join("\n", lines);
    }
}
