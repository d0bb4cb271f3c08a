package io.github.panamallama.examples.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * An OpenAI-compatible HTTP server on Netty: {@code /v1/models} (and {@code /v1/models/{id}}),
 * {@code /v1/completions}, {@code /v1/chat/completions} (with SSE streaming),
 * {@code /v1/embeddings}, {@code /health} and {@code /metrics}.
 *
 * <p>Threads are bounded: one accepting, two reading and writing every connection (a slow or
 * idle connection holds none), and one worker per admitted request ({@code slots + queue} at
 * most). {@link #close()} shuts down gracefully: new requests get 503 while running ones
 * finish, up to the grace period; those still running then end with an error.
 */
public final class OpenAiServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OpenAiServer.class.getName());
    private static final int IO_THREADS = 2;
    /** After the grace period, how long ended requests get to send their error. */
    private static final long CANCEL_MILLIS = 5_000;

    private final ServerSettings settings;
    private final Engine engine;
    private final Admission admission;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup io;
    private final ThreadPoolExecutor workers;
    private final Channel listener;

    static {
        // Netty logs through SLF4J when it finds it on the class path (often without a binding);
        // the rest of the server logs through the JDK, so Netty does too.
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
    }

    private OpenAiServer(Engine engine, ServerSettings settings, PrintStream accessLogOut) throws InterruptedException {
        this.settings = settings;
        this.engine = engine;
        this.admission = new Admission(settings.slots(), settings.queue());
        int capacity = settings.slots() + settings.queue();
        // Platform threads: a generation spends its time in native code, which would pin a
        // virtual thread's carrier. Never more than the admitted requests, so this is bounded.
        this.workers = new ThreadPoolExecutor(capacity, capacity, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                threads("openai-worker-"));
        workers.allowCoreThreadTimeOut(true);
        ObjectMapper json = new ObjectMapper();
        ConnectionLimit connections = new ConnectionLimit(settings.maxConnections());
        Metrics metrics = new Metrics(admission::queued, admission::busySlots, settings.slots(), connections::open);
        AccessLog accessLog = new AccessLog(json, accessLogOut);
        Exchange.ServerContext context = new Exchange.ServerContext() {
            @Override
            public ObjectMapper json() {
                return json;
            }

            @Override
            public Metrics metrics() {
                return metrics;
            }

            @Override
            public AccessLog accessLog() {
                return accessLog;
            }
        };
        Router router = new Router(new Endpoints(engine, json, metrics, settings), admission, metrics, settings, workers, json);
        this.acceptor = new MultiThreadIoEventLoopGroup(1, threads("openai-accept-"), NioIoHandler.newFactory());
        this.io = new MultiThreadIoEventLoopGroup(IO_THREADS, threads("openai-io-"), NioIoHandler.newFactory());
        try {
            this.listener = new ServerBootstrap()
                    .group(acceptor, io)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 256)
                    .childHandler(new HttpPipeline(connections, new BodyLimits(engine.mostPromptBytes(), engine.contextLength()),
                            settings.readTimeout(), router, context))
                    .bind(new InetSocketAddress(settings.host(), settings.port()))
                    .sync()
                    .channel();
        } catch (RuntimeException | InterruptedException e) {
            acceptor.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            io.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownNow();
            throw e;
        }
    }

    /** Starts serving {@code engine} as {@code settings} say; the access log goes to standard output. */
    static OpenAiServer start(Engine engine, ServerSettings settings) throws InterruptedException {
        return new OpenAiServer(engine, settings, System.out);
    }

    /** The port the server listens on. */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    private static ThreadFactory threads(String prefix) {
        return Thread.ofPlatform().name(prefix, 0).daemon().factory();
    }

    /**
     * Graceful: refuses new requests, lets running ones finish for the grace period, ends the
     * rest (a streamed answer gets an error event, a waiting one 503), then stops.
     */
    @Override
    public void close() {
        try {
            if (!admission.drain(settings.shutdownGrace().toMillis())) {
                LOG.log(Level.WARNING, "requests still running after " + settings.shutdownGrace().toMillis()
                        + " ms; ending them");
                admission.cancelAll(Cancellation.Reason.SHUTDOWN);
                if (!admission.drain(CANCEL_MILLIS)) {
                    LOG.log(Level.WARNING, "requests did not end within " + CANCEL_MILLIS + " ms; stopping anyway");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        listener.close().syncUninterruptibly();
        acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownNow();
        engine.close();
    }
}
