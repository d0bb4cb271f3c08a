package io.github.panamallama.examples.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One request and its answer on a connection: a JSON body, a text body, or a stream of
 * server-sent events. Watches for the client hanging up and for the request's time limit, both
 * through its {@link Cancellation}. Finishing it writes the access log line and lets the
 * connection go on to its next request. Its answer may be written from any thread.
 */
final class Exchange {
    /** How often a writer waiting for its client looks at the request's cancellation. */
    private static final long EVENT_WAIT_STEP_MILLIS = 50;
    private final Channel channel;
    private final String method;
    private final String path;
    private final HttpHeaders headers;
    private final byte[] body;
    private final boolean keepAlive;
    private final long startNanos = System.nanoTime();
    private final ServerContext server;
    private final Runnable next;
    private final Cancellation cancellation = new Cancellation();
    private ChannelFutureListener hangUpListener;
    private ScheduledFuture<?> deadline;
    private volatile boolean finished;
    /** Frees the request's place in the server; see {@link #releaseBeforeLastWrite}. */
    private Runnable release;
    private boolean streaming;
    private ChannelFuture lastEvent;

    // What the access log tells about this request, filled in as it runs.
    private String endpoint = "other";
    private Boolean stream;
    private Integer promptTokens;
    private Integer completionTokens;
    private Long firstTokenNanos;
    private String errorCode;

    Exchange(Channel channel, String method, String path, HttpHeaders headers, byte[] body, boolean keepAlive,
             ServerContext server, Runnable next) {
        this.channel = channel;
        this.method = method;
        this.path = path;
        this.headers = headers;
        this.body = body;
        this.keepAlive = keepAlive;
        this.server = server;
        this.next = next;
    }

    String method() {
        return method;
    }

    String path() {
        return path;
    }

    /** A request header, or null. */
    String header(String name) {
        return headers.get(name);
    }

    byte[] body() {
        return body;
    }

    Cancellation cancellation() {
        return cancellation;
    }

    /** Nanoseconds since the request arrived. */
    long elapsedNanos() {
        return System.nanoTime() - startNanos;
    }

    /** The metrics label: one of the server's paths, or "other". */
    void endpoint(String name) {
        this.endpoint = name;
    }

    void stream(boolean streamed) {
        this.stream = streamed;
    }

    void tokens(int prompt, int completion) {
        this.promptTokens = prompt;
        this.completionTokens = completion;
    }

    /** The first generated text is on its way: records the time to first token. */
    void firstToken() {
        if (firstTokenNanos == null) {
            firstTokenNanos = elapsedNanos();
            server.metrics().firstToken(firstTokenNanos);
        }
    }

    /**
     * From now on, a hang-up or the end of {@code limit} cancels this request's work. The
     * connection is read all the time, so a client that closes its socket is seen at once.
     */
    void watch(Duration limit) {
        hangUpListener = closed -> cancellation.cancel(Cancellation.Reason.CLIENT_GONE);
        channel.closeFuture().addListener(hangUpListener);
        deadline = channel.eventLoop().schedule(() -> cancellation.cancel(Cancellation.Reason.TIMED_OUT),
                limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Runs {@code release} (once) just before the answer's last bytes go to the connection: a
     * request gives up its place in the server before its client can see the answer, so a client
     * that sends its next request at once is never refused for the place its last one held.
     */
    void releaseBeforeLastWrite(Runnable release) {
        this.release = release;
    }

    private void release() {
        Runnable pending = release;
        release = null;
        if (pending != null) {
            pending.run();
        }
    }

    void respond(int status, Object jsonBody) {
        respond(status, "application/json", jsonBytes(jsonBody), null, "completed");
    }

    /** The refusal as OpenAI shapes it, with {@code Retry-After} when waiting would help. */
    void respond(ApiException error) {
        errorCode = error.code();
        String retryAfter = error.retryAfterSeconds().isPresent() ? Integer.toString(error.retryAfterSeconds().getAsInt()) : null;
        respond(error.status(), "application/json", jsonBytes(error.body()), retryAfter, "refused");
    }

    private byte[] jsonBytes(Object value) {
        try {
            return server.json().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a response body is plain data", e);
        }
    }

    void respondText(int status, String contentType, String text) {
        respond(status, contentType, text.getBytes(StandardCharsets.UTF_8), null, "completed");
    }

    private void respond(int status, String contentType, byte[] bytes, String retryAfter, String outcome) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        HttpUtil.setContentLength(response, bytes.length);
        if (retryAfter != null) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
        }
        HttpUtil.setKeepAlive(response, keepAlive);
        release();
        finish(status, outcome, () -> channel.writeAndFlush(response));
    }

    /** Sends the headers of a server-sent-events answer (200); then {@link #event} and {@link #endEvents}. */
    void startEvents() {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        HttpUtil.setTransferEncodingChunked(response, true);
        HttpUtil.setKeepAlive(response, keepAlive);
        streaming = true;
        channel.writeAndFlush(response);
    }

    boolean isStreaming() {
        return streaming;
    }

    /**
     * One event's bytes ({@code data: ...\n\n}). Waits until the previous event has reached the
     * socket first: a client that reads slowly slows its generation instead of piling events
     * up in memory, and the connection's thread never has a backlog of them, so it sees a
     * hang-up at once. A cancelled request stops waiting.
     */
    void event(byte[] bytes) {
        while (lastEvent != null && !lastEvent.isDone() && !cancellation.isCancelled()) {
            lastEvent.awaitUninterruptibly(EVENT_WAIT_STEP_MILLIS);
        }
        lastEvent = channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)));
    }

    /** Ends the event stream; {@code outcome} as in the access log. */
    void endEvents(String outcome, String code) {
        errorCode = code;
        release();
        finish(200, outcome, () -> channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
    }

    /** The client is gone: nothing to send; the connection is closed. */
    void abandon(int wouldHaveBeen) {
        finish(wouldHaveBeen, "client_gone", channel::close);
    }

    /**
     * Counts and logs the exchange, then sends its last bytes with {@code lastWrite}: counted
     * first, so that a client that reads /metrics as soon as it has its answer finds it there.
     * Only the first call does anything.
     */
    private void finish(int status, String outcome, Supplier<ChannelFuture> lastWrite) {
        if (finished) {
            return;
        }
        finished = true;
        if (hangUpListener != null) {
            channel.closeFuture().removeListener(hangUpListener);
        }
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (cancellation.reason() == Cancellation.Reason.TIMED_OUT && outcome.equals("completed")) {
            outcome = "timed_out";
        }
        server.metrics().request(endpoint, status);
        server.accessLog().write(new AccessLog.Entry(AccessLog.now(), String.valueOf(channel.remoteAddress()), method, path,
                status, elapsedNanos() / 1_000_000, outcome, stream, promptTokens, completionTokens,
                firstTokenNanos == null ? null : firstTokenNanos / 1_000_000, errorCode));
        ChannelFuture written = lastWrite.get();
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
        channel.eventLoop().execute(next);
    }

    /** What every exchange shares: JSON, metrics, access log. */
    interface ServerContext {
        ObjectMapper json();

        Metrics metrics();

        AccessLog accessLog();
    }
}
