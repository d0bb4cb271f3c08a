package io.github.panamallama.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnippetCompilerTest {
    @TempDir
    Path classes;

    private static Snippet snippet(int fenceLine, Snippet.Mode mode, String... lines) {
        return new Snippet("doc.md", fenceLine, List.of(lines), mode);
    }

    private List<SnippetCompiler.Result> compile(Snippet... snippets) {
        return new SnippetCompiler(TestEnvironment.classPath(), TestEnvironment.release(), classes).compile(List.of(snippets));
    }

    @Test
    void aStatementBlockUsesTheFixedImportsAndItsOwnAndRunsAsMain() {
        SnippetCompiler.Result result = compile(snippet(10, Snippet.Mode.RUN,
                "import java.time.Duration;",
                "// local types are fine in a block",
                "record Pair(Path path, Duration time) {}",
                "Pair pair = new Pair(Path.of(\"model.gguf\"), Duration.ZERO);",
                "List<ContextOptions> options = List.of(ContextOptions.builder().build());")).getFirst();
        assertEquals(List.of(), result.problems());
        assertEquals(SnippetSource.Kind.STATEMENTS, result.source().kind());
        assertEquals(Optional.of("docsnippets.doc_md.line10.Snippet"), result.mainClass());
    }

    @Test
    void aCompileErrorNamesTheMarkdownLine() {
        SnippetCompiler.Result result = compile(snippet(20, Snippet.Mode.RUN,
                "int tokens = 1;", "String wrong = tokens;")).getFirst();
        assertEquals(1, result.problems().size(), result.problems().toString());
        String problem = result.problems().getFirst();
        assertTrue(problem.startsWith("doc.md:22: incompatible types"), problem);
        assertTrue(problem.contains("String wrong = tokens;"), problem);
        assertEquals(Optional.empty(), result.mainClass());
    }

    @Test
    void aWholeCompilationUnitCompilesAsWrittenAndRunsThroughItsMain() {
        SnippetCompiler.Result result = compile(snippet(30, Snippet.Mode.RUN,
                "import java.util.List;",
                "record Item(String name) {}",
                "public class Demo {",
                "    public static void main(String[] args) { System.out.println(List.of(new Item(\"a\"))); }",
                "}")).getFirst();
        assertEquals(List.of(), result.problems());
        assertEquals(SnippetSource.Kind.COMPILATION_UNIT, result.source().kind());
        assertEquals(Optional.of("docsnippets.doc_md.line30.Demo"), result.mainClass());
    }

    @Test
    void aCompilationUnitKeepsItsOwnPackageAndNeedsTheFixedImportsSpelledOut() {
        List<SnippetCompiler.Result> results = compile(
                snippet(40, Snippet.Mode.COMPILE_ONLY, "package com.example;", "class Ok { java.util.List<String> names; }"),
                snippet(50, Snippet.Mode.COMPILE_ONLY, "class NoImports { List<String> names; }"));
        assertEquals(List.of(), results.get(0).problems());
        assertEquals("com.example", results.get(0).source().packageName());
        assertTrue(Files.isRegularFile(classes.resolve("com/example/Ok.class")));
        assertTrue(results.get(1).problems().getFirst().startsWith("doc.md:51: cannot find symbol"), results.get(1).problems().toString());
    }

    @Test
    void aCompilationUnitToRunNeedsAMainMethod() {
        List<SnippetCompiler.Result> results = compile(
                snippet(60, Snippet.Mode.RUN, "class Helper {}"),
                snippet(70, Snippet.Mode.COMPILE_ONLY, "class Helper {}"));
        assertTrue(results.get(0).problems().getFirst().contains("public static void main"), results.get(0).problems().toString());
        assertEquals(List.of(), results.get(1).problems());
    }

    @Test
    void aDeprecatedCallIsAProblem() {
        SnippetCompiler.Result result = compile(snippet(80, Snippet.Mode.RUN, "long id = Thread.currentThread().getId();")).getFirst();
        assertEquals(1, result.problems().size(), result.problems().toString());
        assertTrue(result.problems().getFirst().startsWith("doc.md:81: uses a deprecated API"), result.problems().toString());
    }

    @Test
    void aBrokenSnippetDoesNotStopTheOthersFromCompiling() {
        List<SnippetCompiler.Result> results = compile(
                snippet(90, Snippet.Mode.RUN, "undefined();"),
                snippet(100, Snippet.Mode.RUN, "System.out.println(1);"));
        assertEquals(1, results.get(0).problems().size());
        assertEquals(List.of(), results.get(1).problems());
        assertTrue(Files.isRegularFile(classes.resolve("docsnippets/doc_md/line100/Snippet.class")));
    }
}
