package io.github.panamallama.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The markdown files whose java snippets are tested: README.md and every .md under docs/ except this module's build. */
final class DocumentationFiles {
    private DocumentationFiles() {
    }

    /** The files, relative to {@code projectHome}, in a stable order. */
    static List<Path> find(Path projectHome) throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(Path.of("README.md"));
        Path docs = projectHome.resolve("docs");
        try (Stream<Path> walk = Files.walk(docs)) {
            walk.filter(path -> path.toString().endsWith(".md") && Files.isRegularFile(path))
                    .map(projectHome::relativize)
                    .filter(path -> !path.startsWith("docs/src") && !path.startsWith("docs/target"))
                    .sorted()
                    .forEach(files::add);
        }
        return files;
    }
}
