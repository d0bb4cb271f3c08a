package io.github.panamallama.examples.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how long a client may take to send a request: from the moment the connection opens
 * (or its previous answer was sent) the whole next request must arrive within the timeout, or
 * the connection is closed. This stops slow-loris clients, which trickle header bytes to keep a
 * connection open forever, and ends idle kept-alive connections. While a request is being
 * answered there is no deadline: a generation may take long.
 */
final class ReadDeadline extends ChannelDuplexHandler {
    private final long timeoutNanos;
    private ScheduledFuture<?> deadline;
    /** Requests received and not yet answered (more than one only if the client pipelines). */
    private int unanswered;

    ReadDeadline(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof LastHttpContent) {
            unanswered++;
            disarm(); // the whole request is here
        }
        ctx.fireChannelRead(message);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        boolean interim = message instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (message instanceof LastHttpContent && !interim) {
            // An answer is complete: once none is owed, the client has the timeout again to send
            // its next request.
            unanswered = Math.max(0, unanswered - 1);
            promise = promise.unvoid();
            promise.addListener(written -> {
                if (ctx.channel().isActive() && unanswered == 0) {
                    arm(ctx);
                }
            });
        }
        ctx.write(message, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        disarm();
        ctx.fireChannelInactive();
    }

    private void arm(ChannelHandlerContext ctx) {
        disarm();
        deadline = ctx.executor().schedule(() -> ctx.close(), timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void disarm() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
