package io.driftless.inference.server;

import io.driftless.cli.Commands;
import io.driftless.cli.DurationConverter;
import io.driftless.inference.MicroClock;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.vision.ModelFolderException;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The inference server's command line. */
@Command(
        name = "driftless-inference-server",
        mixinStandardHelpOptions = true,
        version = "driftless 0.1.0",
        sortOptions = false,
        description = "Serves the driftless models over gRPC (driftless.v1.InferenceService, with the standard"
                + " health service and server reflection) and its Prometheus metrics over HTTP at /metrics.")
public final class InferenceServerMain implements Callable<Integer> {

    private static final String LOG_CONFIG = "inference-server-log4j2.xml";

    @Option(names = "--port", defaultValue = "50051", description = "gRPC port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--metrics-port", defaultValue = "9400",
            description = "Prometheus metrics HTTP port, path /metrics (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--model-dir", paramLabel = "DIR",
            description = "Folder laid out like the project's models/ (pose/pose-v1.onnx)."
                    + " Default: the models bundled in this jar.")
    Path modelDir;

    @Option(names = "--image-model", paramLabel = "FOLDER",
            description = "A user's image model, served beside the others under the name its descriptor gives:"
                    + " a folder with model.onnx and model.properties (a YOLO detector or a classifier; see"
                    + " docs/bring-your-own-model.md). Repeat it to serve several. Checked at start; a model"
                    + " that does not match its descriptor is refused with what differs.")
    List<Path> imageModels = new ArrayList<>();

    @Option(names = "--max-batch-size", defaultValue = "64",
            description = "Most requests one model call takes (default: ${DEFAULT-VALUE}).")
    int maxBatchSize;

    @Option(names = "--queue-capacity", defaultValue = "1024",
            description = "Most requests waiting per model; beyond it requests are refused with"
                    + " RESOURCE_EXHAUSTED (default: ${DEFAULT-VALUE}).")
    int queueCapacity;

    @Option(names = "--intra-op-threads", defaultValue = "1",
            description = "ONNX Runtime threads inside one model call (default: ${DEFAULT-VALUE}).")
    int intraOpThreads;

    @Option(names = "--handler-threads", defaultValue = "4",
            description = "Threads that handle calls and build and write their answers; the models run on"
                    + " their own and never write (default: ${DEFAULT-VALUE}).")
    int handlerThreads;

    @Option(names = "--stream-window", defaultValue = "" + InferenceServer.DEFAULT_STREAM_WINDOW,
            description = "Most frames of one stream the server holds at once (queued, running or being"
                    + " answered); it reads a stream only while it holds fewer and the client reads its"
                    + " answers. Keep it above the frames one stream has queued under load, or they wait"
                    + " unseen in the transport (default: ${DEFAULT-VALUE}).")
    int streamWindow;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Server certificate chain; turns TLS on.")
    File tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key of --tls-cert (PKCS#8).")
    File tlsKey;

    @Option(names = "--tls-client-ca", paramLabel = "PEM",
            description = "CA certificates clients must present a certificate of: turns mutual TLS on.")
    File tlsClientCa;

    @Option(names = "--grace", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long calls in flight may finish on shutdown, e.g. 10s (default: ${DEFAULT-VALUE}).")
    Duration grace;

    public static void main(String[] args) {
        Commands.useLogConfigUnlessSet(LOG_CONFIG);
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new InferenceServerMain())
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    commandLine.getErr().println("error: " + e.getMessage());
                    // a bad setting is a usage error; anything else is the server's own failure
                    return e instanceof IllegalArgumentException || e instanceof ModelFolderException
                            ? CommandLine.ExitCode.USAGE
                            : CommandLine.ExitCode.SOFTWARE;
                });
    }

    @Override
    public Integer call() throws Exception {
        if (handlerThreads < 1) {
            throw new IllegalArgumentException("--handler-threads must be at least 1, got " + handlerThreads);
        }
        if (streamWindow < 1) {
            throw new IllegalArgumentException("--stream-window must be at least 1, got " + streamWindow);
        }
        RunnerOptions options = runnerOptions();
        ServerCredentials credentials = credentials(tlsCert, tlsKey, tlsClientCa);
        ServerMetrics metrics = new ServerMetrics();
        MicroClock clock = MicroClock.system();
        ModelCatalog models = modelDir == null
                ? ModelCatalog.bundled(options, clock, metrics)
                : ModelCatalog.fromDirectory(modelDir, options, clock, metrics);
        for (Path imageModel : imageModels) {
            try {
                models = models.withImageModel(imageModel, options, clock, metrics);
            } catch (Exception e) {
                models.close();
                throw e;
            }
        }
        InferenceServer server;
        HTTPServer metricsServer;
        try {
            metricsServer = metrics.serve(metricsPort);
            server = new InferenceServer(Grpc.newServerBuilderForPort(port, credentials), models, metrics,
                    handlerThreads, streamWindow, clock).start();
        } catch (IOException | RuntimeException e) {
            models.close();
            throw new IllegalStateException("cannot start: " + e.getMessage()
                    + " (is port " + port + " or " + metricsPort + " in use? set --port / --metrics-port)", e);
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        out.printf("Serving %s on port %d (%s), metrics on http://localhost:%d/metrics%n", models.names(),
                server.port(), tlsClientCa != null ? "mutual TLS" : tlsCert != null ? "TLS" : "plaintext",
                metricsServer.getPort());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop(grace);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                metricsServer.close();
            }
        }, "inference-server-shutdown"));
        server.blockUntilShutdown();
        return 0;
    }

    private RunnerOptions runnerOptions() {
        try {
            return RunnerOptions.builder()
                    .maxBatchSize(maxBatchSize)
                    .queueCapacity(queueCapacity)
                    .intraOpThreads(intraOpThreads)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage()
                    + " (set --max-batch-size, --queue-capacity, --intra-op-threads)", e);
        }
    }

    /**
     * Plaintext without {@code cert}; TLS with {@code cert} and {@code key}; mutual TLS when
     * {@code clientCa} is given too (clients without a certificate it signed are refused).
     */
    public static ServerCredentials credentials(File cert, File key, File clientCa) throws IOException {
        if (cert == null && key == null) {
            if (clientCa != null) {
                throw new IllegalArgumentException("--tls-client-ca needs --tls-cert and --tls-key as well");
            }
            return InsecureServerCredentials.create();
        }
        if (cert == null || key == null) {
            throw new IllegalArgumentException("TLS needs both --tls-cert and --tls-key");
        }
        TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder().keyManager(cert, key);
        if (clientCa != null) {
            tls.trustManager(clientCa).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
        }
        return tls.build();
    }

}
