package io.github.panamallama.docs;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles every snippet in one compiler run (a second run, without the broken ones, only when
 * some fail) and finds the main class of each snippet that is to run.
 */
final class SnippetCompiler {
    private final String classPath;
    private final String release;
    private final Path outputDirectory;
    private final JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();

    /** A compiled snippet: what went wrong (as {@code file:line: message}), or the class to run. */
    record Result(SnippetSource source, List<String> problems, Optional<String> mainClass) {
        Result {
            problems = List.copyOf(problems);
        }
    }

    /**
     * @param classPath what the snippets compile against
     * @param release the {@code --release} the snippets must compile for
     * @param outputDirectory where the class files go
     */
    SnippetCompiler(String classPath, String release, Path outputDirectory) {
        if (compiler == null) {
            throw new IllegalStateException("no system Java compiler: run the tests on a JDK, not a JRE");
        }
        this.classPath = classPath;
        this.release = release;
        this.outputDirectory = outputDirectory;
    }

    List<Result> compile(List<Snippet> snippets) {
        List<SnippetSource> sources = new ArrayList<>();
        for (Snippet snippet : snippets) {
            sources.add(SnippetSource.of(snippet, unitShape(snippet)));
        }
        Map<SnippetSource, List<String>> problems = run(sources);
        List<SnippetSource> compiled = sources.stream().filter(s -> problems.get(s).isEmpty()).toList();
        if (compiled.size() < sources.size() && !compiled.isEmpty()) {
            run(compiled); // javac writes no class files when any unit has errors; the good ones still must run
        }
        List<Result> results = new ArrayList<>();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {outputDirectory.toUri().toURL()}, getClass().getClassLoader())) {
            for (SnippetSource source : sources) {
                List<String> found = new ArrayList<>(problems.get(source));
                Optional<String> main = Optional.empty();
                if (found.isEmpty() && source.snippet().mode() == Snippet.Mode.RUN) {
                    main = mainClass(source, loader);
                    if (main.isEmpty()) {
                        found.add(source.snippet().location() + ": none of " + source.topLevelTypes() + " has a"
                                + " public static void main(String[]) to run; add one, or mark the snippet"
                                + " <!-- snippet: compile-only -->");
                    }
                }
                results.add(new Result(source, found, main));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return results;
    }

    /** The snippet's package and types when it parses as a whole compilation unit of type declarations. */
    private Optional<SnippetSource.UnitShape> unitShape(Snippet snippet) {
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        InMemorySource file = new InMemorySource(snippet.location(), snippet.code());
        JavacTask task = (JavacTask) compiler.getTask(null, null, diagnostics,
                List.of("--release", release, "-proc:none"), null, List.of(file));
        try {
            Iterable<? extends CompilationUnitTree> units = task.parse();
            if (diagnostics.getDiagnostics().stream().anyMatch(d -> d.getKind() == Diagnostic.Kind.ERROR)) {
                return Optional.empty();
            }
            CompilationUnitTree unit = units.iterator().next();
            List<String> types = new ArrayList<>();
            for (Tree declaration : unit.getTypeDecls()) {
                if (declaration instanceof ClassTree type) {
                    types.add(type.getSimpleName().toString());
                } else if (declaration.getKind() != Tree.Kind.EMPTY_STATEMENT) {
                    return Optional.empty();
                }
            }
            String pkg = unit.getPackageName() == null ? "" : unit.getPackageName().toString();
            return types.isEmpty() ? Optional.empty() : Optional.of(new SnippetSource.UnitShape(pkg, types));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compiles the sources; returns each one's errors and deprecation warnings, in markdown terms. */
    private Map<SnippetSource, List<String>> run(List<SnippetSource> sources) {
        Map<JavaFileObject, SnippetSource> byFile = new IdentityHashMap<>();
        for (SnippetSource source : sources) {
            // Named after the markdown file: stack traces then read "README.md:52", the markdown's own line.
            String markdownName = Path.of(source.snippet().file()).getFileName().toString();
            byFile.put(new InMemorySource(source.packageName().replace('.', '/') + "/" + markdownName, source.text()), source);
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> options = List.of("--release", release, "-proc:none", "-implicit:none", "-Xlint:deprecation",
                "-classpath", classPath, "-d", outputDirectory.toString());
        try (StandardJavaFileManager files = compiler.getStandardFileManager(null, Locale.ROOT, null)) {
            compiler.getTask(null, files, diagnostics, options, null, byFile.keySet()).call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<SnippetSource, List<String>> problems = new LinkedHashMap<>();
        sources.forEach(source -> problems.put(source, new ArrayList<>()));
        for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
            boolean deprecation = diagnostic.getCode() != null && diagnostic.getCode().startsWith("compiler.warn.has.been.deprecated");
            if (diagnostic.getKind() != Diagnostic.Kind.ERROR && !deprecation) {
                continue;
            }
            SnippetSource source = diagnostic.getSource() == null ? null : byFile.get(diagnostic.getSource());
            if (source == null) {
                throw new IllegalStateException("the compiler failed outside any snippet: " + diagnostic);
            }
            problems.get(source).add(describe(source, diagnostic, deprecation));
        }
        return problems;
    }

    private static String describe(SnippetSource source, Diagnostic<? extends JavaFileObject> diagnostic, boolean deprecation) {
        Snippet snippet = source.snippet();
        long line = diagnostic.getLineNumber();
        int index = (int) (line - snippet.fenceLine() - 1);
        String text = index >= 0 && index < snippet.lines().size() ? "\n    " + snippet.lines().get(index).strip() : "";
        return snippet.file() + ":" + line + ": " + (deprecation ? "uses a deprecated API: " : "")
                + diagnostic.getMessage(Locale.ROOT) + text;
    }

    private static Optional<String> mainClass(SnippetSource source, ClassLoader loader) {
        for (String type : source.topLevelTypes()) {
            String name = source.packageName() + "." + type;
            try {
                Method main = Class.forName(name, false, loader).getMethod("main", String[].class);
                if (Modifier.isStatic(main.getModifiers())) {
                    return Optional.of(name);
                }
            } catch (NoSuchMethodException e) {
                // not this type
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("compiled " + source.snippet().location() + " but found no class " + name, e);
            }
        }
        return Optional.empty();
    }
}
