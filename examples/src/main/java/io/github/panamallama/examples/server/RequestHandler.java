package io.github.panamallama.examples.server;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;

/**
 * One connection's requests, answered one at a time and in order (HTTP/1.1 pipelining: a
 * request that arrives while another is answered waits here).
 */
final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final System.Logger LOG = System.getLogger(RequestHandler.class.getName());
    /** Pipelined requests one connection may have waiting; more closes it. */
    private static final int MAX_PIPELINED = 16;

    private final Router router;
    private final Exchange.ServerContext server;
    private final ArrayDeque<Exchange> pipelined = new ArrayDeque<>();
    private boolean answering;

    RequestHandler(Router router, Exchange.ServerContext server) {
        this.router = router;
        this.server = server;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        DecoderResult decoded = request.decoderResult();
        boolean malformed = decoded.isFailure();
        Exchange exchange = new Exchange(ctx.channel(), request.method().name(),
                malformed ? request.uri() : new QueryStringDecoder(request.uri()).path(),
                request.headers().copy(), ByteBufUtil.getBytes(request.content()),
                !malformed && HttpUtil.isKeepAlive(request), server, () -> next(ctx));
        if (answering) {
            if (pipelined.size() >= MAX_PIPELINED) {
                ctx.close();
            } else {
                pipelined.add(exchange);
            }
            return;
        }
        answering = true;
        dispatch(exchange, decoded);
    }

    private void dispatch(Exchange exchange, DecoderResult decoded) {
        if (decoded.isFailure()) {
            Throwable cause = decoded.cause();
            int status = cause instanceof TooLongHttpHeaderException ? 431
                    : cause instanceof TooLongHttpLineException ? 414
                    : cause instanceof TooLongFrameException ? 413 : 400;
            exchange.respond(ApiException.badHttp(status, "Malformed HTTP request: " + cause.getMessage()));
            return;
        }
        router.route(exchange);
    }

    private void next(ChannelHandlerContext ctx) {
        Exchange waiting = pipelined.poll();
        if (waiting == null) {
            answering = false;
        } else {
            router.route(waiting);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.log(Level.DEBUG, () -> "connection " + ctx.channel().remoteAddress() + " failed: " + cause.getMessage());
        } else {
            LOG.log(Level.WARNING, "connection " + ctx.channel().remoteAddress() + " failed", cause);
        }
        ctx.close();
    }
}
