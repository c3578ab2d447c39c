package io.driftless.local;

import io.driftless.inference.MicroClock;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.server.InferenceServer;
import io.driftless.inference.server.ModelCatalog;
import io.driftless.inference.server.ServerMetrics;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;

/**
 * The gRPC inference server with the bundled models (and a user's image model) and its
 * Prometheus endpoint, started and stopped together, for the local system's remote-inference mode.
 */
public final class LocalInferenceServer implements AutoCloseable {

    private static final int WORKER_THREADS = 2;

    private final InferenceServer server;
    private final HTTPServer metrics;

    private LocalInferenceServer(InferenceServer server, HTTPServer metrics) {
        this.server = server;
        this.metrics = metrics;
    }

    /**
     * Serves gRPC on {@code grpcPort} and metrics on {@code metricsPort}; both must be free.
     *
     * @param imageModels users' image model folders to serve beside the bundled models
     */
    public static LocalInferenceServer start(int grpcPort, int metricsPort, List<Path> imageModels) throws Exception {
        ServerMetrics metrics = new ServerMetrics();
        ModelCatalog models = ModelCatalog.bundled(RunnerOptions.DEFAULTS, MicroClock.system(), metrics);
        HTTPServer http = null;
        try {
            for (Path folder : imageModels) {
                models = models.withImageModel(folder, RunnerOptions.DEFAULTS, MicroClock.system(), metrics);
            }
            http = metrics.serve(metricsPort);
            InferenceServer server = new InferenceServer(
                    Grpc.newServerBuilderForPort(grpcPort, InsecureServerCredentials.create()),
                    models, metrics, WORKER_THREADS, MicroClock.system()).start();
            return new LocalInferenceServer(server, http);
        } catch (Exception e) {
            if (http != null) {
                http.close();
            }
            models.close();
            throw new IllegalStateException("cannot start the inference server: " + e.getMessage() + " (is port "
                    + grpcPort + " or " + metricsPort + " in use? set --inference-port and"
                    + " --inference-metrics-port)", e);
        }
    }

    /** Finishes the requests in flight, then stops serving and the metrics endpoint. */
    @Override
    public void close() throws InterruptedException {
        try {
            server.stop(Duration.ofSeconds(5));
        } finally {
            metrics.close();
        }
    }
}
