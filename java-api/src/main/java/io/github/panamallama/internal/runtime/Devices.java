package io.github.panamallama.internal.runtime;

import static io.github.panamallama.internal.llama.llama_h.*;

import io.github.panamallama.BackendDevice;
import io.github.panamallama.DeviceType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/** Reads ggml's backend device registry into {@link BackendDevice} records. */
public final class Devices {
    private static final long MAX_NAME_BYTES = 4096;

    private Devices() {}

    public static List<BackendDevice> list() {
        long count = ggml_backend_dev_count();
        List<BackendDevice> devices = new ArrayList<>((int) count);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment total = arena.allocate(ValueLayout.JAVA_LONG);
            for (long i = 0; i < count; i++) {
                MemorySegment device = ggml_backend_dev_get(i);
                ggml_backend_dev_memory(device, free, total);
                devices.add(new BackendDevice(
                        string(ggml_backend_dev_name(device)),
                        string(ggml_backend_dev_description(device)),
                        type(ggml_backend_dev_type(device)),
                        string(ggml_backend_reg_name(ggml_backend_dev_backend_reg(device))),
                        free.get(ValueLayout.JAVA_LONG, 0),
                        total.get(ValueLayout.JAVA_LONG, 0)));
            }
        }
        return List.copyOf(devices);
    }

    static DeviceType type(int type) {
        if (type == GGML_BACKEND_DEVICE_TYPE_CPU()) return DeviceType.CPU;
        if (type == GGML_BACKEND_DEVICE_TYPE_GPU()) return DeviceType.GPU;
        if (type == GGML_BACKEND_DEVICE_TYPE_IGPU()) return DeviceType.INTEGRATED_GPU;
        if (type == GGML_BACKEND_DEVICE_TYPE_ACCEL()) return DeviceType.ACCELERATOR;
        if (type == GGML_BACKEND_DEVICE_TYPE_META()) return DeviceType.META;
        return DeviceType.UNKNOWN;
    }

    /** A NUL-terminated C string owned by the library, copied into Java. */
    public static String string(MemorySegment text) {
        return text.equals(MemorySegment.NULL) ? "" : text.reinterpret(MAX_NAME_BYTES).getString(0);
    }
}
