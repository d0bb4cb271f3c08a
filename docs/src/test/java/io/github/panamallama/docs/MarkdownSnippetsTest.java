package io.github.panamallama.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownSnippetsTest {

    private static MarkdownSnippets.Extraction extract(String... lines) {
        return MarkdownSnippets.extract("x.md", List.of(lines));
    }

    private static void assertOneProblemAt(MarkdownSnippets.Extraction extraction, int line, String words) {
        assertEquals(1, extraction.problems().size(), extraction.problems().toString());
        MarkdownSnippets.Problem problem = extraction.problems().getFirst();
        assertEquals("x.md:" + line, problem.location());
        assertTrue(problem.message().contains(words), problem.message());
    }

    @Test
    void javaBlocksComeOutWithTheirFenceLineAndOtherLanguagesDoNot() {
        MarkdownSnippets.Extraction extraction = extract(
                "# Title", "```sh", "./mvnw verify", "```", "", "```java", "int a = 1;", "", "int b = a;", "```",
                "```xml", "<a/>", "```");
        assertEquals(List.of(), extraction.problems());
        assertEquals(List.of(new Snippet("x.md", 6, List.of("int a = 1;", "", "int b = a;"), Snippet.Mode.RUN)),
                extraction.snippets());
    }

    @Test
    void tildesLongerFencesCapitalsAndInfoAfterTheLanguageAreJavaToo() {
        MarkdownSnippets.Extraction extraction = extract(
                "~~~Java", "a();", "~~~", "````java title=\"x\"", "b();", "```", "c();", "````", "```javascript", "d();", "```");
        assertEquals(List.of(), extraction.problems());
        assertEquals(List.of(List.of("a();"), List.of("b();", "```", "c();")),
                extraction.snippets().stream().map(Snippet::lines).toList());
    }

    @Test
    void aFenceIndentedInAListItemLosesItsIndentation() {
        MarkdownSnippets.Extraction extraction = extract("1. Load it:", "", "   ```java", "   if (x) {", "       y();", "   }", "   ```");
        assertEquals(List.of("if (x) {", "    y();", "}"), extraction.snippets().getFirst().lines());
    }

    @Test
    void theCompileOnlyMarkerAppliesToTheNextBlockOnly() {
        MarkdownSnippets.Extraction extraction = extract(
                "<!-- snippet: compile-only (needs a CUDA device) -->", "```java", "a();", "```", "```java", "b();", "```");
        assertEquals(List.of(), extraction.problems());
        assertEquals(List.of(Snippet.Mode.COMPILE_ONLY, Snippet.Mode.RUN),
                extraction.snippets().stream().map(Snippet::mode).toList());
    }

    @Test
    void anUnknownMarkerIsAProblem() {
        assertOneProblemAt(extract("<!-- snippet: skip -->", "```java", "a();", "```"), 1, "unknown snippet marker 'skip'");
    }

    @Test
    void aMarkerNotRightBeforeAJavaFenceIsAProblem() {
        assertOneProblemAt(extract("<!-- snippet: compile-only -->", "", "```java", "a();", "```"), 1, "right before a java fence");
        assertOneProblemAt(extract("<!-- snippet: compile-only -->", "```sh", "ls", "```"), 1, "right before a java fence");
        assertOneProblemAt(extract("text", "<!-- snippet: compile-only -->"), 2, "right before a java fence");
    }

    @Test
    void javaFencesTheExtractorCannotReadAreProblems() {
        assertOneProblemAt(extract("> ```java", "> a();", "> ```"), 1, "cannot read");
        assertOneProblemAt(extract("- ```java", "  a();", "  ```"), 1, "cannot read");
    }

    @Test
    void anUnclosedFenceIsAProblem() {
        assertOneProblemAt(extract("text", "```java", "a();"), 2, "never closed");
        assertOneProblemAt(extract("```sh", "ls"), 1, "never closed");
    }

    @Test
    void aJavaFenceSwallowedByAnUnclosedBlockIsAProblem() {
        assertOneProblemAt(extract("```sh", "ls", "```java", "a();", "```"), 3, "miss its closing fence");
    }

    @Test
    void anEmptyJavaBlockIsAProblem() {
        assertOneProblemAt(extract("```java", "  ", "```"), 1, "empty java block");
    }

    @Test
    void aJavaFenceShownInsideAnotherBlockIsNotASnippet() {
        MarkdownSnippets.Extraction extraction = extract("````markdown", "```java", "a();", "```", "````");
        assertEquals(List.of(), extraction.snippets());
        assertEquals(List.of(), extraction.problems());
    }
}
