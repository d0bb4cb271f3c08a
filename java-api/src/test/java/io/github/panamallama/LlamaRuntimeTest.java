package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class LlamaRuntimeTest {
    @Test
    void loadsThePinnedReleaseOnce() {
        LlamaRuntime runtime = LlamaRuntime.get();
        assertSame(runtime, LlamaRuntime.get());
        assertTrue(runtime.llamaVersion().startsWith("0.5.0"), runtime.llamaVersion());
        assertTrue(Files.isRegularFile(runtime.library().llama()));
        assertEquals(runtime.library().directory(), runtime.library().llama().getParent());
    }

    @Test
    void hasACpuDevice() {
        List<BackendDevice> devices = LlamaRuntime.get().devices();
        BackendDevice cpu = devices.stream().filter(device -> device.type() == DeviceType.CPU).findFirst().orElseThrow();
        assertEquals("CPU", cpu.backend());
        assertTrue(cpu.totalMemoryBytes() > 0, "total memory " + cpu.totalMemoryBytes());
        assertTrue(cpu.freeMemoryBytes() <= cpu.totalMemoryBytes());
    }

    @Test
    void systemInfoNamesCpuFeatures() {
        assertTrue(LlamaRuntime.get().systemInfo().startsWith("CPU : "), LlamaRuntime.get().systemInfo());
        assertTrue(LlamaRuntime.get().supportsMmap());
    }
}
