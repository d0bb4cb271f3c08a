package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.Completion;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LibrarySource;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.LlamaRuntime;
import io.github.panamallama.Sampler;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The second test pass (tests/pom.xml): llama.cpp built from source by the project's CMake
 * (scripts/build-llama-cpp.sh), found by the loader's default precedence in a checkout that
 * holds both that build and the prebuilt release.
 */
@EnabledIfSystemProperty(named = "panamallama.sourceBuildPass", matches = "true",
        disabledReason = "runs in the source-build test pass (tests/pom.xml, source-build-tests)")
class SourceBuildTest {
    @Test
    void loaderPrefersTheCMakeBuildToThePrebuilt() throws Exception {
        Path natives = NativeToolchain.home().resolve("build").resolve("natives");
        try (var prebuilt = Files.list(natives.resolve("prebuilt").resolve("linux-x64"))) {
            assertTrue(prebuilt.anyMatch(file -> file.getFileName().toString().startsWith("libllama")),
                    "the prebuilt must be present too, or precedence is not what is tested: " + natives);
        }
        var library = LlamaRuntime.get().library();
        assertEquals(LibrarySource.CMAKE_BUILD, library.source(), library.toString());
        assertEquals(natives.resolve("cmake").toAbsolutePath().normalize(), library.directory());
        assertEquals("0.5.0", library.version().replaceAll("-.*", ""), library.toString());
    }

    @Test
    void hasTheRpcBackendAndServer() {
        assertTrue(LlamaRuntime.get().supportsRpc(), "built with GGML_RPC=ON");
        assertTrue(Files.isExecutable(RpcServers.serverProgram()), RpcServers.serverProgram().toString());
    }

    @Test
    void generates() {
        try (LlamaModel model = LlamaModel.load(TestFixtures.tinyMistralF16());
             LlamaContext context = LlamaContext.create(model, ContextOptions.builder().contextLength(256).build())) {
            Completion completion = context.complete("Hello", GenerationOptions.builder()
                    .maxTokens(16).sampler(Sampler.greedy(model)).build());
            assertTrue(completion.tokens().length > 0 && completion.tokens().length <= 16, completion.toString());
        }
    }
}
