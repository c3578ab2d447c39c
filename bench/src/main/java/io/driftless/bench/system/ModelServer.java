package io.driftless.bench.system;

import io.driftless.inference.MicroClock;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.server.InferenceServer;
import io.driftless.inference.server.ModelCatalog;
import io.driftless.inference.server.ServerMetrics;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import java.time.Duration;

/** The inference server with the bundled pose model, plaintext on a free local port. */
final class ModelServer implements AutoCloseable {

    private static final int HANDLER_THREADS = 2;

    private final InferenceServer server;

    private ModelServer(InferenceServer server) {
        this.server = server;
    }

    static ModelServer start() throws Exception {
        ServerMetrics metrics = new ServerMetrics();
        ModelCatalog models = ModelCatalog.bundled(RunnerOptions.DEFAULTS, MicroClock.system(), metrics);
        InferenceServer server = new InferenceServer(Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()),
                models, metrics, HANDLER_THREADS, MicroClock.system());
        server.start();
        return new ModelServer(server);
    }

    String target() {
        return "localhost:" + server.port();
    }

    @Override
    public void close() throws InterruptedException {
        server.stop(Duration.ofSeconds(5));
    }
}
