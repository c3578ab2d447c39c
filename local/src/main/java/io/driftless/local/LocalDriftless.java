package io.driftless.local;

import io.driftless.cli.DurationConverter;
import io.driftless.job.DriftlessOptions;
import io.driftless.job.DriftlessOptions.InferenceBackend;
import io.driftless.source.RunSummary;
import io.driftless.source.SyntheticConfig;
import io.driftless.source.SyntheticRun;
import io.driftless.source.SendMode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

    @Option(names = "--load-from-capacity", paramLabel = "REPORT_JSON",
            description = "Instead of --users: offer a share (--capacity-share) of the capacity the benchmark"
                    + " measured on this machine, read from its report.json (bin/driftless-bench --scenarios"
                    + " capacity writes bench/target/report-quick/report.json): users = round(share x capacity"
                    + " frames/s / --fps). How a soak is sized.")
    Path loadFromCapacity;

    @Option(names = "--capacity-share", defaultValue = "0.7",
            description = "With --load-from-capacity, the share of the measured capacity to offer, above 0 and at"
                    + " most 1 (default: ${DEFAULT-VALUE}).")
    double capacityShare;

    @Option(names = "--fps", defaultValue = "30", description = "Frames per second per user (default: ${DEFAULT-VALUE}).")
    int fps;

    @Option(names = "--jpeg-users", defaultValue = "0",
            description = "Camera sessions that send JPEG frames of a face photo instead of landmarks, for the"
                    + " job's face detector and annotated frames (default: ${DEFAULT-VALUE}).")
    int jpegUsers;

    @Option(names = "--jpeg-fps", defaultValue = "15",
            description = "Frames per second per JPEG session (default: ${DEFAULT-VALUE}).")
    int jpegFps;

    @Option(names = "--duration", converter = DurationConverter.class,
            description = "How long to stream, e.g. 40s, 2m (default: until Ctrl-C).")
    Duration duration;

    @Option(names = "--warm-up-run", converter = DurationConverter.class, defaultValue = "60s",
            description = "Before the run, the same users stream for this long, left out of the summary: a cold"
                    + " JVM compiles the pipeline's code while it serves, and its first seconds' frames miss"
                    + " their deadlines. 0s skips it (default: ${DEFAULT-VALUE}).")
    Duration warmUpRun;

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
            description = "Prometheus metrics endpoint port; 0 switches the reporter off,"
                    + " to measure what metrics cost (default: ${DEFAULT-VALUE}).")
    int prometheusPort;

    @Option(names = "--memory-report", paramLabel = "DIR",
            description = "Sample the process's memory (heap, direct buffers, resident set with ONNX Runtime's"
                    + " native memory) and write memory.csv, memory.json and memory.png here; the run then says"
                    + " whether memory stayed flat after the warm-up. With --duration 65m and --load-from-capacity,"
                    + " a soak test.")
    Path memoryReport;

    @Option(names = "--memory-interval", converter = DurationConverter.class, defaultValue = "10s",
            description = "How often memory is sampled (default: ${DEFAULT-VALUE}).")
    Duration memoryInterval;

    @Option(names = "--heap-census-interval", converter = DurationConverter.class, defaultValue = "5m",
            description = "With --memory-report, how often to count the live heap class by class (a full"
                    + " collection, so a pause; 0 for never); the report then compares the live heap instead"
                    + " of its floor and lists the classes that grew (default: ${DEFAULT-VALUE}).")
    Duration heapCensusInterval;

    @Option(names = "--warm-up", converter = DurationConverter.class, defaultValue = "5m",
            description = "Memory before this is warm-up, left out of the flatness check (default: ${DEFAULT-VALUE}).")
    Duration warmUp;

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

    @Option(names = "--kafka-retention", converter = DurationConverter.class, defaultValue = "4m",
            description = "How long the broker keeps records, at least 1m; a long run then holds a bounded log on"
                    + " disk and in memory. Raise it to check a longer run's books with frame-source's account"
                    + " afterwards (default: ${DEFAULT-VALUE}).")
    Duration kafkaRetention;

    @Option(names = "--parallelism", defaultValue = "1", description = "Job parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--partitions", defaultValue = "2", description = "Partitions of each topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Spec
    CommandSpec spec;

    /** Set by Ctrl-C; the main thread checks it between start-up steps. */
    private volatile boolean stopping;
    private volatile SyntheticRun run;
    private volatile SyntheticRun jpegRun;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalDriftless()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        LocalSystem.Ports ports;
        BrokerRetention retention;
        CapacityShare capacity;
        try {
            ports = new LocalSystem.Ports(kafkaPort, webPort, prometheusPort);
            retention = new BrokerRetention(kafkaRetention);
            checkJpegUsers();
            if (warmUpRun.isNegative()) {
                throw new IllegalArgumentException("--warm-up-run must be 0s or more, got " + warmUpRun);
            }
            capacity = measuredCapacityShare();
            if (capacity != null) {
                users = capacity.users(fps);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("driftless-local: " + e.getMessage() + ". Run with --help for the options.");
            return 2;
        }
        CountDownLatch finished = new CountDownLatch(1);
        // Ctrl-C at any point: stop streaming, then let this thread shut everything down in order
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping = true;
            for (SyntheticRun current : new SyntheticRun[] {run, jpegRun}) {
                if (current != null) {
                    current.stop();
                }
            }
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "driftless-local-shutdown"));
        try {
            if (capacity != null) {
                out.println("Load: " + capacity.describe(fps));
            }
            out.println("Starting Kafka on 127.0.0.1:" + kafkaPort + " and the job ...");
            // closed in reverse: the job goes before the server it calls
            try (LocalInferenceServer remote = inference == InferenceBackend.REMOTE ? startInferenceServer(out) : null;
                    LocalSystem system = LocalSystem.start(ports, parallelism, partitions, jobSettings(),
                            retention, () -> stopping)) {
                if (stopping) {
                    out.println("Shutting down ...");
                    return 130;
                }
                out.println("Flink web UI:        http://localhost:" + webPort);
                out.println(prometheusPort == 0 ? "Prometheus metrics:  off"
                        : "Prometheus metrics:  http://localhost:" + prometheusPort + "/metrics");
                if (remote != null) {
                    out.println("Inference server:    localhost:" + inferencePort + " (gRPC), metrics on http://localhost:"
                            + inferenceMetricsPort + "/metrics");
                }
                String load = String.format("%d synthetic users at %d fps%s", users, fps,
                        jpegUsers == 0 ? "" : String.format(" and %d JPEG users at %d fps", jpegUsers, jpegFps));
                if (!warmUpRun.isZero()) {
                    out.printf("Warming up: %s for %d s, left out of the summary ...%n", load, warmUpRun.toSeconds());
                    Phase warm = streamFor(system.bootstrapServers(), warmUpRun, out);
                    if (stopping) {
                        out.println("Shutting down ...");
                        return 130;
                    }
                    out.printf("Warm-up done: %.1f%% of its frames on time.%n", 100 * warm.users().onTimeRatio());
                }
                out.printf("Streaming %s%s. Ctrl-C stops.%n", load,
                        duration == null ? "" : " for " + duration.toSeconds() + " s");
                RunSummary summary;
                RunSummary jpegSummary;
                try (MemorySampler memory = memoryReport == null ? null : MemorySampler.start(memoryInterval, heapCensusInterval, memoryReport.resolve("heap-census"))) {
                    Phase run = streamFor(system.bootstrapServers(), duration, out);
                    summary = run.users();
                    jpegSummary = run.jpegUsers();
                    if (memory != null) {
                        reportMemory(memory, new OfferedLoad(users, fps, jpegUsers, jpegFps, capacity), out);
                    }
                }
                out.println();
                out.println(summary.toTable());
                if (jpegSummary != null) {
                    out.println();
                    out.println("JPEG users:");
                    out.println(jpegSummary.toTable());
                }
                if (summaryJson != null) {
                    Files.writeString(summaryJson, summary.toJson(), StandardCharsets.UTF_8);
                    out.println("Summary written to " + summaryJson.toAbsolutePath());
                }
                out.println("Shutting down ...");
                return 0;
            }
        } finally {
            finished.countDown();
        }
    }

    private void checkJpegUsers() {
        if (jpegUsers < 0) {
            throw new IllegalArgumentException("--jpeg-users must be 0 or more, got " + jpegUsers);
        }
        if (jpegFps < 1 || jpegFps > 120) {
            throw new IllegalArgumentException("--jpeg-fps must be in 1..120, got " + jpegFps);
        }
    }

    /** The share of the measured capacity to offer, if the load comes from one; null if from --users. */
    private CapacityShare measuredCapacityShare() {
        boolean usersGiven = spec.commandLine().getParseResult().hasMatchedOption("--users");
        boolean shareGiven = spec.commandLine().getParseResult().hasMatchedOption("--capacity-share");
        if (loadFromCapacity == null) {
            if (shareGiven) {
                throw new IllegalArgumentException("--capacity-share needs --load-from-capacity REPORT_JSON, the"
                        + " benchmark report whose capacity it is a share of");
            }
            return null;
        }
        if (usersGiven) {
            throw new IllegalArgumentException("--users and --load-from-capacity both set the number of users:"
                    + " give one of them");
        }
        return CapacityShare.read(loadFromCapacity, capacityShare);
    }

    private void reportMemory(MemorySampler memory, OfferedLoad load, PrintStream out) throws IOException {
        try {
            if (!heapCensusInterval.isZero()) {
                // the end of the run is the census that matters most
                memory.census();
            }
            MemoryReport report = new MemoryReport(memory.samples(), memory.censuses(warmUp), warmUp, load);
            report.write(memoryReport);
            out.println();
            out.print(report.toTable());
            out.println("Memory report written to " + memoryReport.toAbsolutePath());
        } catch (IllegalArgumentException e) {
            out.println("No memory report: " + e.getMessage());
        }
    }

    /** The job's driftless options besides its Kafka cluster. */
    private Configuration jobSettings() {
        Configuration settings = new Configuration();
        settings.set(DriftlessOptions.INFERENCE_BACKEND, inference);
        if (inference == InferenceBackend.REMOTE) {
            settings.set(DriftlessOptions.INFERENCE_TARGET, "localhost:" + inferencePort);
        }
        return settings;
    }

    private LocalInferenceServer startInferenceServer(PrintStream out) throws Exception {
        out.println("Starting the inference server on port " + inferencePort + " ...");
        return LocalInferenceServer.start(inferencePort, inferenceMetricsPort);
    }

    /** What the landmark users and the JPEG users (null when there are none) of one stretch of streaming sum up to. */
    private record Phase(RunSummary users, RunSummary jpegUsers) {}

    /** Streams the landmark and the JPEG users side by side for {@code length} (null: until Ctrl-C). */
    private Phase streamFor(String bootstrapServers, Duration length, PrintStream out) {
        try (SyntheticRun jpeg = jpegUsers == 0 ? null : new SyntheticRun(users(bootstrapServers, length)
                        .users(jpegUsers).fps(jpegFps).sendMode(SendMode.JPEG).build());
                SyntheticRun landmarks = new SyntheticRun(users(bootstrapServers, length).users(users).fps(fps)
                        .statusOut(out).build())) {
            jpegRun = jpeg;
            run = landmarks;
            if (stopping) {
                landmarks.stop();
            }
            CompletableFuture<RunSummary> jpegRunning = jpeg == null ? null
                    : CompletableFuture.supplyAsync(jpeg::run, runnable -> new Thread(runnable, "jpeg-users").start());
            RunSummary summary = landmarks.run();
            if (jpeg == null) {
                return new Phase(summary, null);
            }
            jpeg.stop();
            return new Phase(summary, jpegRunning.join());
        }
    }

    /** What landmark and JPEG users share: the deadline, the clocks, how long they stream (null: until stopped). */
    private SyntheticConfig.Builder users(String bootstrapServers, Duration length) {
        SyntheticConfig.Builder source = SyntheticConfig.builder()
                .deadlineMs(deadlineMs)
                .bootstrapServers(bootstrapServers)
                .maxClockSkew(clockSkewMax);
        if (length != null) {
            source.duration(length);
        }
        return source;
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
}
