package io.github.panamallama.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the fenced {@code java} blocks of a markdown file, and everything that looks like one
 * but cannot be read as one, so that no snippet escapes the test unnoticed.
 *
 * <p>Fences follow CommonMark: three or more backticks or tildes, closed by a fence of the same
 * character at least as long; the info string's first word names the language
 * (case-insensitive). An opening fence may be indented (inside a list item); its indentation is
 * removed from the block's lines. A {@code <!-- snippet: compile-only -->} comment (optionally
 * followed by a reason) on the line right before a java fence marks that block compile-only.
 */
final class MarkdownSnippets {
    private static final Pattern OPENING_FENCE = Pattern.compile("^( *)(`{3,}|~{3,})\\s*(\\S*).*$");
    private static final Pattern MARKER = Pattern.compile("^\\s*<!--\\s*snippet:\\s*(.*?)\\s*-->\\s*$");
    private static final Pattern COMPILE_ONLY = Pattern.compile("compile-only(\\s.*)?");
    /** A java fence anywhere a reader might see one: quoted, after a list marker, ... */
    private static final Pattern LOOKS_LIKE_JAVA_FENCE =
            Pattern.compile("^[\\s>*+\\-0-9.)]*(`{3,}|~{3,})\\s*java\\b.*", Pattern.CASE_INSENSITIVE);

    /** A line of a markdown file that holds something the extractor could not turn into a snippet. */
    record Problem(String file, int line, String message) {
        String location() {
            return file + ":" + line;
        }
    }

    /** The snippets of one file and the problems found in it. */
    record Extraction(List<Snippet> snippets, List<Problem> problems) {
        Extraction {
            snippets = List.copyOf(snippets);
            problems = List.copyOf(problems);
        }
    }

    private MarkdownSnippets() {
    }

    /**
     * @param file the name the snippets and problems report (relative to the project root)
     * @param lines the file's lines
     */
    static Extraction extract(String file, List<String> lines) {
        List<Snippet> snippets = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Snippet.Mode markedMode = null;
        int markerLine = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int lineNumber = i + 1;
            Matcher fence = OPENING_FENCE.matcher(line);
            boolean javaFence = fence.matches() && fence.group(3).equalsIgnoreCase("java");
            if (markedMode != null && !javaFence) {
                problems.add(new Problem(file, markerLine,
                        "a snippet marker must be on the line right before a java fence; line " + lineNumber + " is not one"));
            }
            if (fence.matches()) {
                int close = closingLine(lines, i, fence.group(2));
                if (close < 0) {
                    problems.add(new Problem(file, lineNumber, "this fence is never closed"));
                    return new Extraction(snippets, problems);
                }
                swallowedJavaFence(lines, i, close, fence.group(2)).ifPresent(inner -> problems.add(new Problem(file, inner,
                        "a java fence inside the block opened at line " + lineNumber + ": does that block miss its closing fence?")));
                if (javaFence) {
                    List<String> body = unindent(lines.subList(i + 1, close), fence.group(1).length());
                    if (body.stream().allMatch(String::isBlank)) {
                        problems.add(new Problem(file, lineNumber, "empty java block"));
                    } else {
                        snippets.add(new Snippet(file, lineNumber, body, markedMode == null ? Snippet.Mode.RUN : markedMode));
                    }
                }
                markedMode = null;
                i = close; // a fence's content is never markdown, so nothing in it is a snippet
                continue;
            }
            markedMode = null;
            Matcher marker = MARKER.matcher(line);
            if (marker.matches()) {
                if (COMPILE_ONLY.matcher(marker.group(1)).matches()) {
                    markedMode = Snippet.Mode.COMPILE_ONLY;
                    markerLine = lineNumber;
                } else {
                    problems.add(new Problem(file, lineNumber, "unknown snippet marker '" + marker.group(1)
                            + "'; the only one is <!-- snippet: compile-only -->"));
                }
            } else {
                Matcher unreadable = LOOKS_LIKE_JAVA_FENCE.matcher(line);
                if (unreadable.matches()) {
                    problems.add(new Problem(file, lineNumber, "a java block the snippet test cannot read (in a quote or"
                            + " on a list marker's line?); start the fence on a line of its own, outside quotes"));
                    i = Math.max(i, unreadableBlockEnd(lines, i, unreadable.group(1)));
                }
            }
        }
        if (markedMode != null) {
            problems.add(new Problem(file, markerLine, "a snippet marker must be on the line right before a java fence"));
        }
        return new Extraction(snippets, problems);
    }

    /** The index of the line closing the fence opened at {@code open}, or -1. */
    private static int closingLine(List<String> lines, int open, String opening) {
        Pattern closing = Pattern.compile("^ *" + Pattern.quote(opening.substring(0, 1)) + "{" + opening.length() + ",}\\s*$");
        for (int i = open + 1; i < lines.size(); i++) {
            if (closing.matcher(lines.get(i)).matches()) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the line that ends an unreadable block (whatever precedes its fence), or -1. */
    private static int unreadableBlockEnd(List<String> lines, int open, String opening) {
        Pattern closing = Pattern.compile("^[\\s>]*" + Pattern.quote(opening.substring(0, 1)) + "{" + opening.length() + ",}\\s*$");
        for (int i = open + 1; i < lines.size(); i++) {
            if (closing.matcher(lines.get(i)).matches()) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A line inside the block from {@code open} to {@code close} that opens a java fence with the
     * outer fence's character and at least its length: it cannot be a deliberately nested example
     * (its own closing fence would end the outer block), so the outer block is missing its end.
     */
    private static Optional<Integer> swallowedJavaFence(List<String> lines, int open, int close, String opening) {
        for (int i = open + 1; i < close; i++) {
            Matcher inner = OPENING_FENCE.matcher(lines.get(i));
            if (inner.matches() && inner.group(3).equalsIgnoreCase("java")
                    && inner.group(2).charAt(0) == opening.charAt(0) && inner.group(2).length() >= opening.length()) {
                return Optional.of(i + 1);
            }
        }
        return Optional.empty();
    }

    /** Removes up to {@code indent} leading spaces from each line, as CommonMark does for an indented fence. */
    private static List<String> unindent(List<String> body, int indent) {
        return body.stream().map(line -> {
            int strip = 0;
            while (strip < indent && strip < line.length() && line.charAt(strip) == ' ') {
                strip++;
            }
            return line.substring(strip);
        }).toList();
    }
}
