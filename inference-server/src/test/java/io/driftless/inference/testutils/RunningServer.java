package io.driftless.inference.testutils;

import io.driftless.inference.MicroClock;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.server.InferenceServer;
import io.driftless.inference.server.ModelCatalog;
import io.driftless.inference.server.ServerMetrics;
import io.driftless.inference.server.SlowedPoseModel;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Path;
import java.time.Duration;

/** A real inference server on a local port, serving the bundled models (and a user's image model where asked). */
public final class RunningServer implements AutoCloseable {

    public final ServerMetrics metrics = new ServerMetrics();
    public final InferenceServer server;
    private boolean stopped;

    private RunningServer(int port, ServerCredentials credentials, RunnerOptions options, long pauseMicros,
            ServerInterceptor... interceptors) throws Exception {
        this(port, credentials, options, pauseMicros, null, interceptors);
    }

    private RunningServer(int port, ServerCredentials credentials, RunnerOptions options, long pauseMicros,
            Path imageModel, ServerInterceptor... interceptors) throws Exception {
        ModelCatalog bundled = pauseMicros > 0
                ? SlowedPoseModel.catalog(pauseMicros, options, MicroClock.system(), metrics)
                : ModelCatalog.bundled(options, MicroClock.system(), metrics);
        ModelCatalog models = imageModel == null ? bundled
                : bundled.withImageModel(imageModel, options, MicroClock.system(), metrics);
        ServerBuilder<?> transport = Grpc.newServerBuilderForPort(port, credentials);
        for (ServerInterceptor interceptor : interceptors) {
            transport.intercept(interceptor);
        }
        server = new InferenceServer(transport, models, metrics, 2, MicroClock.system());
        server.start();
    }

    /** Plaintext on a free port. */
    public static RunningServer start() throws Exception {
        return start(0, InsecureServerCredentials.create(), RunnerOptions.DEFAULTS);
    }

    /** Plaintext on a free port, serving the user's image model in {@code folder} beside the bundled ones. */
    public static RunningServer withImageModel(Path folder) throws Exception {
        return new RunningServer(0, InsecureServerCredentials.create(), RunnerOptions.DEFAULTS, 0, folder);
    }

    public static RunningServer start(int port, ServerCredentials credentials, RunnerOptions options)
            throws Exception {
        return new RunningServer(port, credentials, options, 0);
    }

    /** Plaintext on a free port, serving only the pose model, slowed by {@code pauseMicros} a batch. */
    public static RunningServer slowed(long pauseMicros, RunnerOptions options) throws Exception {
        return new RunningServer(0, InsecureServerCredentials.create(), options, pauseMicros);
    }

    /**
     * Plaintext on a free port, serving only the pose model slowed by {@code pauseMicros} a
     * batch, its call handlers held up by {@code reads} before each frame they read.
     */
    public static RunningServer slowed(long pauseMicros, RunnerOptions options, SlowReads reads) throws Exception {
        return new RunningServer(0, InsecureServerCredentials.create(), options, pauseMicros, reads);
    }

    public int port() {
        return server.port();
    }

    public String target() {
        return "localhost:" + port();
    }

    /** The sum of a counter's values over the data points whose labels include {@code labels}. */
    public double counter(String name, String... labels) {
        double sum = 0;
        for (MetricSnapshot snapshot : metrics.registry().scrape()) {
            if (snapshot instanceof CounterSnapshot counter && snapshot.getMetadata().getPrometheusName().equals(name)) {
                for (CounterSnapshot.CounterDataPointSnapshot point : counter.getDataPoints()) {
                    if (matches(point, labels)) {
                        sum += point.getValue();
                    }
                }
            }
        }
        return sum;
    }

    /** How many observations a histogram holds over the data points whose labels include {@code labels}. */
    public long histogramCount(String name, String... labels) {
        long count = 0;
        for (MetricSnapshot snapshot : metrics.registry().scrape()) {
            if (snapshot instanceof HistogramSnapshot histogram && snapshot.getMetadata().getPrometheusName().equals(name)) {
                for (HistogramSnapshot.HistogramDataPointSnapshot point : histogram.getDataPoints()) {
                    if (matches(point, labels)) {
                        count += point.getCount();
                    }
                }
            }
        }
        return count;
    }

    private static boolean matches(DataPointSnapshot point, String... labels) {
        for (int i = 0; i + 1 < labels.length; i += 2) {
            if (!labels[i + 1].equals(point.getLabels().get(labels[i]))) {
                return false;
            }
        }
        return true;
    }

    /** Stops the server as an outage would: no grace for what is in flight. */
    public void kill() throws InterruptedException {
        stopped = true;
        server.stop(Duration.ZERO);
    }

    @Override
    public void close() throws InterruptedException {
        if (!stopped) {
            stopped = true;
            server.stop(Duration.ofSeconds(5));
        }
    }
}
