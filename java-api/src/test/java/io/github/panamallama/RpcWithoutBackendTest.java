package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;

/**
 * On a llama.cpp without the RPC backend (the prebuilt release, which the first test pass
 * runs on), asking for RPC servers names the fix. The source build's side is RpcSplitTest.
 */
class RpcWithoutBackendTest {
    @Test
    void askingForRpcServersNamesTheBuildOption() {
        assumeFalse(LlamaRuntime.get().supportsRpc(), "this llama.cpp has the RPC backend");
        ModelOptions options = ModelOptions.builder().rpcServers("127.0.0.1:50052").gpuLayers(1).build();
        ModelLoadException error = assertThrows(ModelLoadException.class,
                () -> LlamaModel.load(TestModels.tinyLlama(), options).close());
        assertTrue(error.getMessage().contains("has no RPC backend"), error.getMessage());
        assertTrue(error.getMessage().contains("-DGGML_RPC=ON"), error.getMessage());
        assertTrue(error.getMessage().contains("127.0.0.1:50052"), error.getMessage());
        assertTrue(error.getMessage().contains(LlamaRuntime.get().library().directory().toString()), error.getMessage());
    }
}
