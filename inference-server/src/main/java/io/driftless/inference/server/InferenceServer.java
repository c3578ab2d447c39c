package io.driftless.inference.server;

import io.driftless.inference.MicroClock;
import io.driftless.proto.InferenceServiceGrpc;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remote inference server: the job's model adapters over gRPC, with the standard health
 * service and server reflection. Usage:
 *
 * <pre>{@code
 * ServerMetrics metrics = new ServerMetrics();
 * InferenceServer server = new InferenceServer(
 *         Grpc.newServerBuilderForPort(50051, InsecureServerCredentials.create()),
 *         ModelCatalog.bundled(RunnerOptions.DEFAULTS, MicroClock.system(), metrics),
 *         metrics, 4, MicroClock.system());
 * server.start();
 * ...
 * server.stop(Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>Takes the {@link ServerBuilder} so the caller picks the transport, port and credentials
 * (TLS, or the in-process transport in tests). Owns the models from then on and closes them
 * on {@link #stop}.
 */
public final class InferenceServer {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceServer.class);

    /**
     * Most frames of one stream the server holds at once, by default. Large enough that a
     * stream's frames the model could still answer in time are read at once, where the deadline
     * queue sees them and sheds what cannot make it; a window much smaller leaves them waiting in
     * the transport, where no deadline is checked. Small enough that a client that stops reading
     * costs the server little: the answers to one window.
     */
    public static final int DEFAULT_STREAM_WINDOW = 256;

    /**
     * How often a client may ping a connection with calls on it. The job's clients ping every
     * 30 s so that a frame never pays for a new connection; gRPC's default of 5 minutes answers
     * the third such ping with GOAWAY (too_many_pings), which breaks every stream on the
     * connection. 10 s is the shortest keepalive a gRPC client sends.
     */
    public static final Duration PERMITTED_KEEP_ALIVE = Duration.ofSeconds(10);

    private final ModelCatalog models;
    private final HealthStatusManager health = new HealthStatusManager();
    private final ExecutorService handlers;
    private final Server server;
    private boolean stopping;

    /** A server with the {@link #DEFAULT_STREAM_WINDOW}. */
    public InferenceServer(ServerBuilder<?> transport, ModelCatalog models, ServerMetrics metrics,
            int handlerThreads, MicroClock clock) {
        this(transport, models, metrics, handlerThreads, DEFAULT_STREAM_WINDOW, clock);
    }

    /**
     * @param handlerThreads threads that run call handlers: they queue requests for their model,
     *     then build and write the answers; the models run on their own threads and never write
     * @param streamWindow most frames of one {@code InferStream} the server holds at once (asked
     *     for, queued, running or being answered); it reads a stream's frames only while its
     *     answers are going out and it holds fewer than this many
     */
    public InferenceServer(ServerBuilder<?> transport, ModelCatalog models, ServerMetrics metrics,
            int handlerThreads, int streamWindow, MicroClock clock) {
        if (handlerThreads < 1) {
            throw new IllegalArgumentException("handlerThreads must be at least 1, got " + handlerThreads);
        }
        if (streamWindow < 1) {
            throw new IllegalArgumentException("streamWindow must be at least 1, got " + streamWindow);
        }
        this.models = models;
        this.handlers = Executors.newFixedThreadPool(handlerThreads, namedThreads());
        this.server = transport
                .executor(handlers)
                .permitKeepAliveTime(PERMITTED_KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS)
                .addService(new InferenceEndpoint(models, metrics, clock, handlers, streamWindow))
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .build();
    }

    private static ThreadFactory namedThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "inference-server-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Binds and starts serving; health turns SERVING. */
    public InferenceServer start() throws IOException {
        server.start();
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
        health.setStatus(InferenceServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
        LOG.info("inference server listening on port {}, serving {}", server.getPort(), models.names());
        return this;
    }

    /** The port it listens on (the one picked when it was built with port 0); -1 before start. */
    public int port() {
        return server.getPort();
    }

    /**
     * Health turns NOT_SERVING so balancers move away, new calls are refused, and calls in
     * flight get up to {@code grace} to finish (a call finishes once its answer is written, on a
     * handler thread); then the rest are cancelled, the models closed, and the handler threads
     * stopped once they are through the last answers the models hand over (at most 5 s more).
     * Returns whether everything finished within the grace. A second call only waits.
     */
    public boolean stop(Duration grace) throws InterruptedException {
        synchronized (this) {
            if (stopping) {
                return server.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS);
            }
            stopping = true;
        }
        health.enterTerminalState();
        server.shutdown();
        boolean finished = server.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS);
        if (!finished) {
            LOG.warn("calls still running after {} ms of grace: cancelling them", grace.toMillis());
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
        }
        models.close();
        // what the models failed on closing still goes out on the handlers (to calls cancelled by now)
        handlers.shutdown();
        if (!handlers.awaitTermination(5, TimeUnit.SECONDS)) {
            LOG.warn("answers still being written 5 s after the server stopped: interrupting their threads");
            handlers.shutdownNow();
        }
        return finished;
    }

    /** Blocks until the server has terminated. */
    public void blockUntilShutdown() throws InterruptedException {
        server.awaitTermination();
    }
}
