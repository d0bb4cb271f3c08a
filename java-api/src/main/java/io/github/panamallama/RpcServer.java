package io.github.panamallama;

import java.util.Objects;

/**
 * A machine running llama.cpp's {@code ggml-rpc-server}, as {@code host:port}: a model loaded
 * with {@link ModelOptions.Builder#rpcServers(String...)} places layers on it.
 *
 * <p>The RPC protocol has no authentication and no encryption: only name servers on a network
 * you trust.
 *
 * @param host a host name or IPv4 address (llama.cpp's RPC client does not take IPv6 literals)
 * @param port the TCP port, 1 to 65535
 */
public record RpcServer(String host, int port) {
    public RpcServer {
        Objects.requireNonNull(host, "host");
        if (host.isBlank() || host.chars().anyMatch(c -> c == ':' || Character.isWhitespace(c))) {
            throw new IllegalArgumentException("RPC server host must be a host name or IPv4 address"
                    + " (no ':' or spaces): '" + host + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("RPC server port must be 1 to 65535: " + host + ":" + port);
        }
    }

    /**
     * Parses {@code host:port}.
     *
     * @throws IllegalArgumentException naming the endpoint when it is not {@code host:port}
     */
    public static RpcServer parse(String endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        int colon = endpoint.lastIndexOf(':');
        if (colon <= 0 || colon == endpoint.length() - 1) {
            throw new IllegalArgumentException("RPC server endpoint must be host:port, e.g. 192.168.1.20:50052: '"
                    + endpoint + "'");
        }
        String port = endpoint.substring(colon + 1);
        if (!port.chars().allMatch(c -> c >= '0' && c <= '9') || port.length() > 5) {
            throw new IllegalArgumentException("RPC server endpoint '" + endpoint + "' has no valid port: '" + port + "'");
        }
        try {
            return new RpcServer(endpoint.substring(0, colon), Integer.parseInt(port));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad RPC server endpoint '" + endpoint + "': " + e.getMessage(), e);
        }
    }

    /** The {@code host:port} form llama.cpp takes. */
    @Override
    public String toString() {
        return host + ":" + port;
    }
}
