package io.driftless.local;

import io.driftless.inference.MicroClock;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.server.InferenceServer;
import io.driftless.inference.server.ModelCatalog;
import io.driftless.inference.server.ServerMetrics;
import io.driftless.job.DriftlessOptions.InferenceBackend;
import io.driftless.job.DriftlessJob;
import io.driftless.job.JobConfig;
import io.driftless.job.DriftlessOptions;
import io.driftless.kafka.EmbeddedKafkaBroker;
import io.driftless.kafka.EmbeddedKafkaException;
import io.driftless.source.RunSummary;
import io.driftless.source.SyntheticConfig;
import io.driftless.source.SyntheticRun;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole system on one machine: a real Kafka broker, the job on a local Flink cluster with
 * its web UI and Prometheus endpoint, and synthetic users streaming through both.
 */
@Command(
        name = "driftless-local",
        mixinStandardHelpOptions = true,
        version = "driftless 0.1.0",
        description = "Runs driftless locally: embedded Kafka, the job on a local Flink (web UI and"
                + " Prometheus endpoint), and synthetic users; prints live status and a summary."
                + " With --inference remote the model runs in an inference server the job calls over gRPC.")
public final class LocalDriftless implements Callable<Integer> {

    @Option(names = "--users", defaultValue = "200", description = "Synthetic users (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--fps", defaultValue = "30", description = "Frames per second per user (default: ${DEFAULT-VALUE}).")
    int fps;

    @Option(names = "--duration", converter = DurationConverter.class,
            description = "How long to stream, e.g. 40s, 2m (default: until Ctrl-C).")
    Duration duration;

    @Option(names = "--deadline-ms", defaultValue = "33", description = "Per-frame deadline (default: ${DEFAULT-VALUE}).")
    int deadlineMs;

    @Option(names = "--clock-skew-max", converter = DurationConverter.class, defaultValue = "0s",
            description = "Skew each user's clock by up to this much, e.g. 5s (default: none).")
    Duration clockSkewMax;

    @Option(names = "--summary-json", description = "Also write the summary as JSON to this file.")
    Path summaryJson;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Kafka broker port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--web-port", defaultValue = "8081", description = "Flink web UI port (default: ${DEFAULT-VALUE}).")
    int webPort;

    @Option(names = "--prometheus-port", defaultValue = "9249",
            description = "Prometheus metrics endpoint port (default: ${DEFAULT-VALUE}).")
    int prometheusPort;

    @Option(names = "--inference", defaultValue = "in-process", converter = BackendConverter.class,
            description = "Where the model runs: in-process, or remote (an inference server in this"
                    + " process, called over gRPC on --inference-port) (default: ${DEFAULT-VALUE}).")
    InferenceBackend inference;

    @Option(names = "--inference-port", defaultValue = "50051",
            description = "gRPC port of the inference server with --inference remote (default: ${DEFAULT-VALUE}).")
    int inferencePort;

    @Option(names = "--inference-metrics-port", defaultValue = "9400",
            description = "Prometheus port of the inference server with --inference remote (default: ${DEFAULT-VALUE}).")
    int inferenceMetricsPort;

    @Option(names = "--parallelism", defaultValue = "1", description = "Job parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--partitions", defaultValue = "2", description = "Partitions of each topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    /** Set by Ctrl-C; the main thread checks it between start-up steps. */
    private volatile boolean stopping;
    private volatile SyntheticRun run;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalDriftless()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        CountDownLatch finished = new CountDownLatch(1);
        // Ctrl-C at any point: stop streaming, then let this thread shut everything down in order
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping = true;
            SyntheticRun current = run;
            if (current != null) {
                current.stop();
            }
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "driftless-local-shutdown"));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
                .brokerPort(kafkaPort)
                .defaultPartitions(partitions)
                // the broker shares two cores with the job and the clients: fewer, busier threads
                .brokerProperty("num.network.threads", "1")
                .brokerProperty("num.io.threads", "2")
                .build()) {
            out.println("Starting Kafka on 127.0.0.1:" + kafkaPort + " ...");
            broker.start();
            // LogAppendTime puts the broker's stamp into every response's Timing
            createTopic(broker, DriftlessOptions.FRAMES_TOPIC.defaultValue(), Map.of("message.timestamp.type", "LogAppendTime"));
            createTopic(broker, DriftlessOptions.COORDINATES_TOPIC_PATTERN.defaultValue(), Map.of());
            createTopic(broker, DriftlessOptions.DROPPED_TOPIC.defaultValue(), Map.of());
            if (stopping) {
                return 130;
            }
            try (RemoteModel remote = inference == InferenceBackend.REMOTE ? startInferenceServer(out) : null) {
                return runJob(broker, out);
            }
        } finally {
            finished.countDown();
        }
    }

    private int runJob(EmbeddedKafkaBroker broker, PrintStream out) throws Exception {
        JobClient job = startJob(broker.bootstrapServers());
        try {
            ServingProbe.await(broker.bootstrapServers(), DriftlessOptions.FRAMES_TOPIC.defaultValue(),
                    List.of(DriftlessOptions.COORDINATES_TOPIC_PATTERN.defaultValue(),
                            DriftlessOptions.DROPPED_TOPIC.defaultValue()),
                    Duration.ofSeconds(60), () -> stopping);
            out.println("Flink web UI:        http://localhost:" + webPort);
            out.println("Prometheus metrics:  http://localhost:" + prometheusPort + "/metrics");
            if (inference == InferenceBackend.REMOTE) {
                out.println("Inference server:    localhost:" + inferencePort + " (gRPC), metrics on http://localhost:"
                        + inferenceMetricsPort + "/metrics");
            }
            out.printf("Streaming %d synthetic users at %d fps%s. Ctrl-C stops.%n", users, fps,
                    duration == null ? "" : " for " + duration.toSeconds() + " s");
            RunSummary summary = stream(broker.bootstrapServers(), out);
            out.println();
            out.println(summary.toTable());
            if (summaryJson != null) {
                Files.writeString(summaryJson, summary.toJson(), StandardCharsets.UTF_8);
                out.println("Summary written to " + summaryJson.toAbsolutePath());
            }
            return 0;
        } finally {
            // the job goes before the broker it reads from and the server it calls
            out.println("Shutting down ...");
            stopJob(job);
        }
    }

    /** The inference server and its metrics endpoint, stopped together. */
    private record RemoteModel(InferenceServer server, HTTPServer metrics) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            try {
                server.stop(Duration.ofSeconds(5));
            } finally {
                metrics.close();
            }
        }
    }

    private RemoteModel startInferenceServer(PrintStream out) throws Exception {
        out.println("Starting the inference server on port " + inferencePort + " ...");
        ServerMetrics metrics = new ServerMetrics();
        ModelCatalog models = ModelCatalog.bundled(RunnerOptions.DEFAULTS, MicroClock.system(), metrics);
        HTTPServer http;
        InferenceServer server;
        try {
            http = metrics.serve(inferenceMetricsPort);
            server = new InferenceServer(Grpc.newServerBuilderForPort(inferencePort, InsecureServerCredentials.create()),
                    models, metrics, 2, MicroClock.system()).start();
        } catch (Exception e) {
            models.close();
            throw new IllegalStateException("cannot start the inference server: " + e.getMessage() + " (is port "
                    + inferencePort + " or " + inferenceMetricsPort + " in use? set --inference-port and"
                    + " --inference-metrics-port)", e);
        }
        return new RemoteModel(server, http);
    }

    private RunSummary stream(String bootstrapServers, PrintStream out) {
        SyntheticConfig.Builder source = SyntheticConfig.builder()
                .users(users)
                .fps(fps)
                .deadlineMs(deadlineMs)
                .bootstrapServers(bootstrapServers)
                .maxClockSkew(clockSkewMax)
                .statusOut(out);
        if (duration != null) {
            source.duration(duration);
        }
        try (SyntheticRun synthetic = new SyntheticRun(source.build())) {
            run = synthetic;
            if (stopping) {
                synthetic.stop();
            }
            return synthetic.run();
        }
    }

    /** Creates a topic unless a client that connected early already made the broker create it. */
    private void createTopic(EmbeddedKafkaBroker broker, String name, Map<String, String> configs) {
        try {
            broker.createTopic(name, partitions, configs);
        } catch (EmbeddedKafkaException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    private JobClient startJob(String bootstrapServers) throws Exception {
        Configuration flink = new Configuration();
        flink.set(RestOptions.PORT, webPort);
        flink.setString("metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        flink.setString("metrics.reporter.prom.port", Integer.toString(prometheusPort));
        JobConfig.applyFlinkDefaults(flink);
        Configuration settings = new Configuration();
        settings.set(DriftlessOptions.BOOTSTRAP_SERVERS, bootstrapServers);
        settings.set(DriftlessOptions.INFERENCE_BACKEND, inference);
        if (inference == InferenceBackend.REMOTE) {
            settings.set(DriftlessOptions.INFERENCE_TARGET, "localhost:" + inferencePort);
        }
        JobConfig config = JobConfig.from(settings, Map.of());

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
        env.setParallelism(parallelism);
        DriftlessJob.build(env, config, MicroClock.system());
        JobClient job = env.executeAsync("driftless");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (job.getJobStatus().get() != JobStatus.RUNNING) {
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                job.getJobExecutionResult().get();
                throw new IllegalStateException("the job ended before it ran");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the job did not start within 60 s");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return job;
    }

    /** Cancels the job and waits for it to end; the local cluster shuts down with it. */
    private static void stopJob(JobClient job) throws Exception {
        job.cancel().get(30, TimeUnit.SECONDS);
        try {
            job.getJobExecutionResult().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException cancelled) {
            // the expected end of a cancelled job
        }
    }

    /** Accepts in-process or remote, in any case. */
    static final class BackendConverter implements CommandLine.ITypeConverter<InferenceBackend> {
        @Override
        public InferenceBackend convert(String value) {
            for (InferenceBackend backend : InferenceBackend.values()) {
                if (backend.toString().equalsIgnoreCase(value)) {
                    return backend;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not in-process or remote");
        }
    }

    /** Accepts 40s, 2m, 500ms, 1h or ISO-8601 (PT40S). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return org.apache.flink.util.TimeUtils.parseDuration(value);
        }
    }
}
