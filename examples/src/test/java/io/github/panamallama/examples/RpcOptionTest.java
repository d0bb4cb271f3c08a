package io.github.panamallama.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.ModelOptions;
import io.github.panamallama.RpcServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class RpcOptionTest {
    @Command(name = "probe")
    static final class Probe implements Callable<Integer> {
        @Mixin
        RpcOption rpc;
        ModelOptions options;

        @Override
        public Integer call() {
            options = rpc.apply(ModelOptions.builder()).build();
            return 0;
        }
    }

    @Test
    void commaSeparatedEndpointsBecomeServers() {
        Probe probe = new Probe();
        assertEquals(0, new CommandLine(probe).execute("--rpc", "10.0.0.1:50052,10.0.0.2:50053"));
        assertEquals(List.of(new RpcServer("10.0.0.1", 50052), new RpcServer("10.0.0.2", 50053)), probe.options.rpcServers());
    }

    @Test
    void noneGivenLeavesTheModelLocal() {
        Probe probe = new Probe();
        assertEquals(0, new CommandLine(probe).execute());
        assertTrue(probe.options.rpcServers().isEmpty());
    }

    @Test
    void aBadEndpointIsAUsageErrorNamingIt() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new Probe());
        commandLine.setErr(new PrintWriter(err));
        assertEquals(2, commandLine.execute("--rpc", "10.0.0.1:50052,10.0.0.2"));
        assertTrue(err.toString().contains("--rpc") && err.toString().contains("'10.0.0.2'"), err.toString());
    }
}
