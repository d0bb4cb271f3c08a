package io.github.panamallama.internal.runtime;

import static io.github.panamallama.internal.llama.llama_h.*;

import io.github.panamallama.NativeLibrary;
import io.github.panamallama.RpcServer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * The device list of a model that uses remote {@code ggml-rpc-server} processes: their devices
 * first, then the local GPUs, as llama.cpp orders them. The servers are reached the way
 * llama.cpp's own tools do, through the RPC backend's {@code ggml_backend_rpc_add_server} proc
 * address, which works whether ggml-rpc is linked in or loaded as a plug-in. Their devices are
 * handed to the one model only, never registered globally, so other models keep theirs.
 */
public final class RpcDevices {
    /** How long a server may take to accept a connection before it counts as unreachable. */
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private RpcDevices() {}

    /**
     * The devices for a model, in llama.cpp's order.
     *
     * @throws IllegalStateException naming the fix when this llama.cpp has no RPC backend, or the
     *     endpoint when a server is unreachable
     */
    public static List<MemorySegment> forServers(List<RpcServer> servers, NativeLibrary library) {
        if (!llama_supports_rpc()) {
            throw new IllegalStateException("RPC servers " + servers + " were given, but the loaded llama.cpp ("
                    + library.source() + " " + library.directory() + ") has no RPC backend: build llama.cpp with"
                    + " -DGGML_RPC=ON (the project's CMakeLists.txt does: cmake -S . -B build/cmake &&"
                    + " cmake --build build/cmake); the prebuilt release has none");
        }
        // llama.cpp aborts the whole process when it cannot connect: find out first, in Java.
        servers.forEach(RpcDevices::checkReachable);
        List<MemorySegment> devices = new ArrayList<>();
        MethodHandle addServer = addServerFunction();
        try (Arena call = Arena.ofConfined()) {
            for (RpcServer server : servers) {
                MemorySegment registry = (MemorySegment) addServer.invokeExact(call.allocateFrom(server.toString()));
                long count = registry.equals(MemorySegment.NULL) ? 0 : ggml_backend_reg_dev_count(registry);
                if (count == 0) {
                    throw new IllegalStateException("RPC server " + server + " offers no devices");
                }
                for (long i = 0; i < count; i++) {
                    devices.add(ggml_backend_reg_dev_get(registry, i));
                }
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("ggml_backend_rpc_add_server failed", e);
        }
        devices.addAll(localGpus());
        return List.copyOf(devices);
    }

    private static void checkReachable(RpcServer server) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(server.host(), server.port()), CONNECT_TIMEOUT_MILLIS);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("RPC server " + server + " is not reachable (" + e.getMessage()
                    + "): is ggml-rpc-server running there and listening on that address?", e);
        }
    }

    private static MethodHandle addServerFunction() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment rpc = ggml_backend_reg_by_name(call.allocateFrom("RPC"));
            MemorySegment function = rpc.equals(MemorySegment.NULL) ? MemorySegment.NULL
                    : ggml_backend_reg_get_proc_address(rpc, call.allocateFrom("ggml_backend_rpc_add_server"));
            if (function.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("the RPC backend has no ggml_backend_rpc_add_server");
            }
            // ggml_backend_reg_t ggml_backend_rpc_add_server(const char * endpoint), from ggml-rpc.h
            return Linker.nativeLinker().downcallHandle(function,
                    FunctionDescriptor.of(ggml_backend_reg_t, ValueLayout.ADDRESS));
        }
    }

    /** Local discrete GPUs, or the integrated ones when there are none (llama.cpp's default). */
    private static List<MemorySegment> localGpus() {
        List<MemorySegment> gpus = new ArrayList<>();
        List<MemorySegment> integrated = new ArrayList<>();
        for (long i = 0; i < ggml_backend_dev_count(); i++) {
            MemorySegment device = ggml_backend_dev_get(i);
            int type = ggml_backend_dev_type(device);
            if (type == GGML_BACKEND_DEVICE_TYPE_GPU()) {
                gpus.add(device);
            } else if (type == GGML_BACKEND_DEVICE_TYPE_IGPU()) {
                integrated.add(device);
            }
        }
        return gpus.isEmpty() ? integrated : gpus;
    }
}
