package io.github.panamallama.examples.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;

/**
 * Each connection's handlers: the connection limit, the read deadline, HTTP/1.1 parsing with
 * bounded request line and headers, the body bound, then {@link RequestHandler}.
 */
final class HttpPipeline extends ChannelInitializer<SocketChannel> {
    private static final int MAX_REQUEST_LINE = 8192;
    private static final int MAX_HEADERS = 16384;
    private static final int MAX_CHUNK = 65536;

    private final ConnectionLimit connections;
    private final BodyLimits bodyLimits;
    private final Duration readTimeout;
    private final Router router;
    private final Exchange.ServerContext server;

    HttpPipeline(ConnectionLimit connections, BodyLimits bodyLimits, Duration readTimeout, Router router,
                 Exchange.ServerContext server) {
        this.connections = connections;
        this.bodyLimits = bodyLimits;
        this.readTimeout = readTimeout;
        this.router = router;
        this.server = server;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        channel.pipeline()
                .addLast("connections", connections)
                .addLast("http", new HttpServerCodec(MAX_REQUEST_LINE, MAX_HEADERS, MAX_CHUNK))
                .addLast("deadline", new ReadDeadline(readTimeout))
                .addLast("body", new BoundedBody())
                .addLast("requests", new RequestHandler(router, server));
    }

    /**
     * Collects a request's body up to what its endpoint can use ({@link BodyLimits}). A larger
     * one is refused as soon as its {@code Content-Length} (or its running size) shows it, with
     * an OpenAI-shaped 413, and the connection is closed without reading the rest.
     */
    private final class BoundedBody extends HttpObjectAggregator {
        BoundedBody() {
            super(BodyLimits.MAX_BODY_BYTES);
        }

        @Override
        protected boolean isContentLengthInvalid(HttpMessage start, int maxContentLength) {
            try {
                return HttpUtil.getContentLength(start, -1L) > bodyLimits.forPath(path(start));
            } catch (NumberFormatException e) {
                return false; // the decoder reports a malformed length itself
            }
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            // Answered as any refusal is (OpenAI's shape, access log, metrics); the connection then
            // closes, as the rest of the body is never read.
            String method = oversized instanceof HttpRequest request ? request.method().name() : "?";
            new Exchange(ctx.channel(), method, path(oversized), oversized.headers(), new byte[0], false, server, () -> {})
                    .respond(bodyLimits.refusal(path(oversized)));
        }

        private static String path(HttpMessage message) {
            return message instanceof HttpRequest request ? new QueryStringDecoder(request.uri()).path() : "?";
        }
    }
}
