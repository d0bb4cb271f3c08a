package io.github.panamallama.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every fenced java block of README.md and docs/*.md compiles against the current API and runs,
 * as written, on the tiny-Mistral fixture: one test per block, named by file and line. The
 * convention (statement blocks, compilation units, the compile-only marker, the model files)
 * is described in docs/java-api.md, section "Documentation snippets".
 */
class DocumentationSnippetsTest {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

    @TestFactory
    Stream<DynamicTest> everyJavaSnippetCompilesAndRuns() throws IOException {
        Path home = TestEnvironment.projectHome();
        List<Snippet> snippets = new ArrayList<>();
        List<MarkdownSnippets.Problem> problems = new ArrayList<>();
        for (Path file : DocumentationFiles.find(home)) {
            MarkdownSnippets.Extraction extraction = MarkdownSnippets.extract(
                    file.toString().replace('\\', '/'), Files.readAllLines(home.resolve(file), StandardCharsets.UTF_8));
            snippets.addAll(extraction.snippets());
            problems.addAll(extraction.problems());
        }
        assertTrue(!snippets.isEmpty(), "no java snippets found in README.md or docs/ under " + home);

        Path work = emptiedWorkDirectory();
        String classPath = TestEnvironment.classPath();
        List<SnippetCompiler.Result> compiled =
                new SnippetCompiler(classPath, TestEnvironment.release(), Files.createDirectories(work.resolve("classes"))).compile(snippets);
        ForkedJvm jvm = new ForkedJvm(work.resolve("classes") + java.io.File.pathSeparator + classPath, home, RUN_TIMEOUT);
        DocumentedModelFiles models = new DocumentedModelFiles(home);

        Stream<DynamicTest> unreadable = problems.stream().map(problem -> DynamicTest.dynamicTest(
                problem.location() + " (unreadable)", source(home, problem.file(), problem.line()),
                () -> fail(problem.location() + ": " + problem.message())));
        Stream<DynamicTest> tested = compiled.stream().map(result -> {
            Snippet snippet = result.source().snippet();
            String name = snippet.location() + (snippet.mode() == Snippet.Mode.COMPILE_ONLY ? " (compile-only)" : "");
            return DynamicTest.dynamicTest(name, source(home, snippet.file(), snippet.fenceLine()),
                    () -> check(result, jvm, models, work.resolve("run").resolve(SnippetSource.defaultPackage(snippet))));
        });
        return Stream.concat(unreadable, tested);
    }

    private static void check(SnippetCompiler.Result result, ForkedJvm jvm, DocumentedModelFiles models, Path directory)
            throws IOException, InterruptedException {
        Snippet snippet = result.source().snippet();
        if (!result.problems().isEmpty()) {
            fail(snippet.location() + " does not compile:\n" + String.join("\n", result.problems()));
        }
        if (snippet.mode() == Snippet.Mode.COMPILE_ONLY) {
            return;
        }
        models.prepare(snippet, directory);
        ForkedJvm.Outcome outcome = jvm.run(result.mainClass().orElseThrow(), directory);
        if (!outcome.succeeded()) {
            fail(snippet.location() + (outcome.timedOut() ? " did not finish within " + RUN_TIMEOUT
                    : " failed (exit code " + outcome.exitCode() + ")") + " in " + directory
                    + " (model files a snippet may name: " + DocumentedModelFiles.STAND_INS.keySet() + "); its output:\n"
                    + tail(outcome.output()));
        }
    }

    private static String tail(String output) {
        int limit = 8000;
        return output.length() <= limit ? output : "...\n" + output.substring(output.length() - limit);
    }

    private static URI source(Path home, String file, int line) {
        return URI.create(home.resolve(file).toUri() + "?line=" + line);
    }

    /** target/snippets, emptied: compiled snippets and each run's working directory stay there for a look after a failure. */
    private static Path emptiedWorkDirectory() throws IOException {
        Path work = TestEnvironment.workDirectory();
        if (Files.exists(work)) {
            try (Stream<Path> walk = Files.walk(work)) {
                for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        return Files.createDirectories(work);
    }
}
