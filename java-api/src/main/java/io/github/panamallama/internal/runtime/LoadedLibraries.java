package io.github.panamallama.internal.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which ggml backend plug-ins from the library directory this process has mapped, read from
 * /proc/self/maps. ggml picks a CPU backend variant at run time (x64, haswell, zen4, ...) and
 * reports it nowhere else; on systems without /proc the list is empty.
 */
public final class LoadedLibraries {
    private static final Path MAPS = Path.of("/proc/self/maps");

    private LoadedLibraries() {}

    public static List<Path> ggmlFilesIn(Path directory) {
        if (!Files.isReadable(MAPS)) {
            return List.of();
        }
        try (Stream<String> lines = Files.lines(MAPS)) {
            return lines.map(line -> {
                        int slash = line.indexOf('/');
                        return slash < 0 ? null : Path.of(line.substring(slash));
                    })
                    .filter(path -> path != null && directory.equals(path.getParent())
                            && path.getFileName().toString().startsWith("libggml-")
                            && !path.getFileName().toString().startsWith("libggml-base"))
                    .distinct()
                    .sorted()
                    .toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
