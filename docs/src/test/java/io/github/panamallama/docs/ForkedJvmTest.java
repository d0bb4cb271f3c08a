package io.github.panamallama.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A snippet runs in its own JVM and directory, with the documented model names there, and its failure is seen. */
class ForkedJvmTest {
    @TempDir
    Path work;

    private ForkedJvm.Outcome compileAndRun(Snippet snippet) throws Exception {
        Path classes = Files.createDirectories(work.resolve("classes"));
        SnippetCompiler.Result result = new SnippetCompiler(TestEnvironment.classPath(), TestEnvironment.release(), classes)
                .compile(List.of(snippet)).getFirst();
        assertEquals(List.of(), result.problems());
        Path directory = work.resolve("run");
        new DocumentedModelFiles(TestEnvironment.projectHome()).prepare(snippet, directory);
        return new ForkedJvm(classes + File.pathSeparator + TestEnvironment.classPath(), TestEnvironment.projectHome(),
                Duration.ofMinutes(1)).run(result.mainClass().orElseThrow(), directory);
    }

    @Test
    void aSnippetSeesTheFixtureUnderTheDocumentedNameInItsWorkingDirectory() throws Exception {
        ForkedJvm.Outcome outcome = compileAndRun(new Snippet("doc.md", 1, List.of(
                "Path model = Path.of(\"model-f16.gguf\");",
                "try (var names = Files.list(Path.of(\".\"))) {",
                "    System.out.println(Files.size(model) + \" \" + names.map(p -> p.getFileName().toString()).sorted().toList());",
                "}",
                "Files.writeString(Path.of(\"out.txt\"), \"written\");"), Snippet.Mode.RUN));
        long fixtureSize = Files.size(TestEnvironment.projectHome().resolve("build/fixtures/tiny-mistral/tiny-mistral-f16.gguf"));
        assertTrue(outcome.succeeded(), outcome.output());
        assertEquals(fixtureSize + " [model-f16.gguf, output.txt]", outcome.output().strip(),
                "only the documented name the snippet uses is there");
        assertEquals("written", Files.readString(work.resolve("run/out.txt")));
    }

    @Test
    void aSnippetThatThrowsFails() throws Exception {
        ForkedJvm.Outcome outcome = compileAndRun(new Snippet("doc.md", 1,
                List.of("throw new IllegalStateException(\"the documented call failed\");"), Snippet.Mode.RUN));
        assertFalse(outcome.succeeded());
        assertEquals(1, outcome.exitCode());
        assertTrue(outcome.output().contains("IllegalStateException: the documented call failed"), outcome.output());
        assertTrue(outcome.output().contains("(doc.md:2)"), "the stack trace names the markdown line: " + outcome.output());
    }
}
