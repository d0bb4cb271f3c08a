package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RpcServerTest {
    @Test
    void parsesHostAndPort() {
        assertEquals(new RpcServer("192.168.1.20", 50052), RpcServer.parse("192.168.1.20:50052"));
        assertEquals(new RpcServer("gpu-box.lan", 1), RpcServer.parse("gpu-box.lan:1"));
        assertEquals("gpu-box.lan:65535", RpcServer.parse("gpu-box.lan:65535").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "50052", ":50052", "host:", "host", "host:port", "host:0", "host:65536",
            "host:-1", "host:123456", "::1:50052", "[::1]:50052", "my host:50052", " host:50052"})
    void rejectsWhatIsNotHostColonPortNamingIt(String endpoint) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> RpcServer.parse(endpoint));
        assertTrue(error.getMessage().contains("'" + endpoint + "'") || error.getMessage().contains(endpoint + "'"),
                error.getMessage());
    }

    @Test
    void builderNamesTheBadEndpointAmongSeveral() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ModelOptions.builder().rpcServers("10.0.0.1:50052", "10.0.0.2-50052"));
        assertTrue(error.getMessage().contains("'10.0.0.2-50052'"), error.getMessage());
        assertEquals(List.of(new RpcServer("10.0.0.1", 50052)),
                ModelOptions.builder().rpcServers("10.0.0.1:50052").build().rpcServers());
    }

    @Test
    void tensorSplitSharesAreChecked() {
        assertEquals(List.of(1f, 3f), ModelOptions.builder().tensorSplit(1, 3).build().tensorSplit());
        assertThrows(IllegalArgumentException.class, () -> ModelOptions.builder().tensorSplit(1, -1).build());
        assertThrows(IllegalArgumentException.class, () -> ModelOptions.builder().tensorSplit(Float.NaN).build());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ModelOptions.builder().tensorSplit(0, 0).build());
        assertTrue(error.getMessage().contains("above 0"), error.getMessage());
    }

    @Test
    void defaultsHaveNoServersAndNoSplit() {
        assertTrue(ModelOptions.defaults().rpcServers().isEmpty());
        assertTrue(ModelOptions.defaults().tensorSplit().isEmpty());
    }
}
