package io.github.panamallama.natives.linux.x86_64.vulkan;

import io.github.panamallama.spi.NativeLibraryBundle;

/**
 * The linux-x86_64-vulkan natives jar's entry in panama-llama's service loader: its files are the
 * resources under {@code natives/linux-x86_64-vulkan/}. Each classifier has its own package, so
 * two natives jars never split a package on the module path.
 */
public final class Bundle extends NativeLibraryBundle {
    public Bundle() {
        super("linux-x86_64-vulkan");
    }
}
