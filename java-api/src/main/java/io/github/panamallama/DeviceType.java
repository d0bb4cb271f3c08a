package io.github.panamallama;

/** What kind of compute device a ggml backend device is (ggml's {@code enum ggml_backend_dev_type}). */
public enum DeviceType {
    /** The CPU, through the CPU backend. */
    CPU,
    /** A discrete GPU with its own memory. */
    GPU,
    /** An integrated GPU that shares host memory. */
    INTEGRATED_GPU,
    /** An accelerator used beside the CPU (BLAS, AMX, ...). */
    ACCELERATOR,
    /** A device made of other devices (ggml's meta device). */
    META,
    /** A type this version of panama-llama does not know. */
    UNKNOWN
}
