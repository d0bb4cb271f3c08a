package io.github.panamallama.internal.loader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/** How shared libraries are named on this operating system. */
enum Platform {
    LINUX("lib", ".so"),
    MACOS("lib", ".dylib"),
    WINDOWS("", ".dll");

    private final String prefix;
    private final String suffix;

    Platform(String prefix, String suffix) {
        this.prefix = prefix;
        this.suffix = suffix;
    }

    static Platform current() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("mac") || os.contains("darwin")) {
            return MACOS;
        }
        return os.contains("win") ? WINDOWS : LINUX;
    }

    /**
     * The folders scripts/fetch-natives.sh unpacks this platform's releases into, GPU builds first
     * ({@code --variant cuda}, {@code --variant vulkan}), the CPU build last.
     */
    List<String> prebuiltNames() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String cpu = arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : "x64";
        return switch (this) {
            case LINUX -> List.of("linux-" + cpu + "-cuda", "linux-" + cpu + "-vulkan", "linux-" + cpu);
            case MACOS -> List.of("mac-" + cpu + "-metal");
            case WINDOWS -> List.of("win-" + cpu + "-cuda", "win-" + cpu + "-vulkan", "win-" + cpu);
        };
    }

    /** The operating system as natives jars name it (their manifest's {@code os}, the start of their classifier). */
    String bundleOs() {
        return switch (this) {
            case LINUX -> "linux";
            case MACOS -> "macos";
            case WINDOWS -> "windows";
        };
    }

    /** The processor as natives jars name it: {@code x86_64}, {@code aarch64}, or what the JVM says. */
    static String bundleArch() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
    }

    /**
     * The library called {@code name} in {@code directory}: the plain name a CMake build
     * writes ({@code libllama.so}) or a versioned one ({@code libllama.v0.5.0.so}, as the
     * prebuilt release names it), preferring the plain name.
     */
    Optional<Path> find(Path directory, String name) {
        Path plain = directory.resolve(prefix + name + suffix);
        if (Files.isRegularFile(plain)) {
            return Optional.of(plain);
        }
        String versionedStart = prefix + name + ".";
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> versioned = files
                    .filter(file -> {
                        String fileName = file.getFileName().toString();
                        return fileName.startsWith(versionedStart) && fileName.endsWith(suffix) && Files.isRegularFile(file);
                    })
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
            return versioned.isEmpty() ? Optional.empty() : Optional.of(versioned.getLast());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    String fileName(String name) {
        return prefix + name + suffix;
    }
}
