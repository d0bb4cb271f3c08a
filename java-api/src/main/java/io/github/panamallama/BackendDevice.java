package io.github.panamallama;

/**
 * A compute device llama.cpp can run on, as ggml's backend registry reports it.
 *
 * @param name short name, e.g. {@code CPU} or {@code CUDA0}
 * @param description what the backend says about it, e.g. the CPU model
 * @param type the kind of device
 * @param backend the backend that provides it, e.g. {@code CPU}, {@code CUDA}, {@code Metal}
 * @param freeMemoryBytes memory free on the device now
 * @param totalMemoryBytes memory the device has
 */
public record BackendDevice(String name, String description, DeviceType type, String backend,
                            long freeMemoryBytes, long totalMemoryBytes) {}
