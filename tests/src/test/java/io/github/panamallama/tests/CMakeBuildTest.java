package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The project's own CMake logic around the source tree: the top-level CMakeLists.txt is
 * configured in a scratch copy of the project. (The real build from the fetched v0.5.0 tree is
 * tested by the second test pass, SourceBuildTest and friends.)
 */
class CMakeBuildTest {
    @TempDir
    Path project;

    @BeforeEach
    void copyProjectCMakeLists() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/cmake")) || Files.isExecutable(Path.of("/usr/local/bin/cmake")),
                "cmake not installed (scripts/install-prerequisites.sh installs it)");
        Files.copy(NativeToolchain.home().resolve("CMakeLists.txt"), project.resolve("CMakeLists.txt"));
    }

    @Test
    void missingSubmoduleFailsWithInstructions() throws Exception {
        String output = configureMustFail();
        assertTrue(output.contains("The llama.cpp submodule is not checked out"), output);
        assertTrue(output.contains("git submodule update --init llama.cpp"), output);
        assertTrue(output.contains("scripts/fetch-natives.sh"), output);
    }

    @Test
    void submoduleOfAnotherReleaseIsRefused() throws Exception {
        Path submodule = Files.createDirectories(project.resolve("llama.cpp"));
        Files.writeString(submodule.resolve("CMakeLists.txt"),
                "set(LLAMA_VERSION_MAJOR 0)\nset(LLAMA_VERSION_MINOR 7)\nset(LLAMA_VERSION_PATCH 0)\n");
        String output = configureMustFail();
        assertTrue(output.contains("llama.cpp/ is version '0.7.0', but the bindings are generated for 0.5.0"), output);
    }

    @Test
    void namedSourceTreeOfAnotherReleaseIsRefused() throws Exception {
        Path tree = Files.createDirectories(project.resolve("elsewhere"));
        Files.writeString(tree.resolve("CMakeLists.txt"),
                "set(LLAMA_VERSION_MAJOR 0)\nset(LLAMA_VERSION_MINOR 4)\nset(LLAMA_VERSION_PATCH 2)\n");
        // CMake wraps long messages: compare with the line breaks as spaces.
        String output = configureMustFail("-DLLAMA_CPP_SOURCE_DIR=" + tree).replaceAll("\\s+", " ");
        assertTrue(output.contains("LLAMA_CPP_SOURCE_DIR " + tree + " is version '0.4.2', but the bindings are generated for 0.5.0"),
                output);
    }

    @Test
    void fetchedTreeIsTheFallbackSource() throws Exception {
        Path fetched = Files.createDirectories(project.resolve("build").resolve("llama.cpp-v0.5.0"));
        Files.writeString(fetched.resolve("CMakeLists.txt"),
                "set(LLAMA_VERSION_MAJOR 0)\nset(LLAMA_VERSION_MINOR 6)\nset(LLAMA_VERSION_PATCH 0)\n");
        String output = configureMustFail();
        assertTrue(output.contains("build/llama.cpp-v0.5.0/ is version '0.6.0'"), output);
    }

    private String configureMustFail(String... options) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("cmake", "-S", project.toString(),
                "-B", project.resolve("build").resolve("cmake").toString()));
        command.addAll(List.of(options));
        var result = NativeToolchain.ProcessResult.run(command, 120);
        assertNotEquals(0, result.exitCode(), result.output());
        return result.output();
    }
}
