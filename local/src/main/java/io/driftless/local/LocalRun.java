package io.driftless.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftless.cli.DurationConverter;
import io.driftless.gateway.GatewayConfig;
import io.driftless.gateway.TokenKey;
import io.driftless.gateway.WebGateway;
import io.driftless.inference.vision.ImageModel;
import io.driftless.inference.vision.ModelFolder;
import io.driftless.inference.vision.ModelFolderException;
import io.driftless.job.DriftlessOptions;
import io.driftless.job.DriftlessOptions.InferenceBackend;
import io.driftless.job.DriftlessOptions.Smoothing;
import io.driftless.source.RunSummary;
import io.driftless.source.SendMode;
import io.driftless.source.MotionProfile;
import io.driftless.source.SyntheticConfig;
import io.driftless.source.SyntheticRun;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * One run of the whole system on this machine, and the options that shape it: the broker, the
 * job and its inference, synthetic users that warm it up and then stream the measured stretch,
 * and their summary. {@code driftless-local} is this run alone; a command that measures
 * something more during the measured stretch, such as the bench's soak, mixes these options in
 * and hands {@link #run} a {@link Measurement}.
 *
 * <pre>{@code
 * // in a picocli command whose field "run" is a LocalRun mixin
 * run.check();
 * return run.run(System.out, run.users(), Measurement.NONE);
 * }</pre>
 */
public final class LocalRun {

    /**
     * What a command does while the measured stretch streams, after the warm-up: it starts with
     * the stretch, reports once the stretch has streamed (before the summary), and is closed then.
     */
    @FunctionalInterface
    public interface Measurement {

        /** Measures nothing. */
        Measurement NONE = () -> new Running() {
            @Override
            public void report(PrintStream out) {}

            @Override
            public void close() {}
        };

        /** Called as the measured stretch starts. */
        Running start() throws IOException;

        /** A measurement under way. */
        interface Running extends AutoCloseable {

            /** The stretch has streamed: print what was measured. */
            void report(PrintStream out) throws IOException;

            @Override
            void close();
        }
    }

    @Option(names = "--users", paramLabel = "N", defaultValue = "200",
            description = "Synthetic users (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--fps", paramLabel = "FPS", defaultValue = "30",
            description = "Frames per second per user (default: ${DEFAULT-VALUE}).")
    int fps;

    @Option(names = "--jpeg-users", paramLabel = "N", defaultValue = "0",
            description = "Camera sessions that send JPEG frames of a face photo instead of landmarks, for the"
                    + " job's face detector and annotated frames (default: ${DEFAULT-VALUE}).")
    int jpegUsers;

    @Option(names = "--jpeg-fps", paramLabel = "FPS", defaultValue = "15",
            description = "Frames per second per JPEG session (default: ${DEFAULT-VALUE}).")
    int jpegFps;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to stream, e.g. 40s, 2m (default: until Ctrl-C).")
    Duration duration;

    @Option(names = "--pre-roll", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "120s",
            description = "Before the users start, the system streams sessions of its own, ramped up to the same"
                    + " load, until its last 10 s were on time (99%% of landmark frames, 95%% of JPEG frames), for at"
                    + " most this long: a cold JVM compiles the pipeline's code while it serves. Then the web gateway"
                    + " opens and the users start on a warm system. 0s starts them cold (default: ${DEFAULT-VALUE}).")
    Duration preRoll;

    @Option(names = "--warm-up-run", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "0s",
            description = "After the pre-roll, the users themselves stream for this long, left out of the summary"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration warmUpRun;

    @Option(names = "--deadline-ms", paramLabel = "MS", defaultValue = "33",
            description = "Per-frame deadline (default: ${DEFAULT-VALUE}).")
    int deadlineMs;

    @Option(names = "--clock-skew-max", paramLabel = "DURATION",
            converter = DurationConverter.class, defaultValue = "0s",
            description = "Skew each user's clock by up to this much, e.g. 5s (default: none).")
    Duration clockSkewMax;

    @Option(names = "--motion", paramLabel = "PROFILE", defaultValue = "normal", converter = MotionConverter.class,
            description = "How fast the synthetic heads turn: calm (at most 20 deg/s), normal (60), brisk"
                    + " (120), fast (160)"
                    + " or shake (normal plus a 3 Hz head shake) (default: ${DEFAULT-VALUE}).")
    MotionProfile motion;

    @Option(names = "--smoothing", paramLabel = "MODE", defaultValue = "motion_state", converter = SmoothingConverter.class,
            description = "The pose the job draws each session's anchors from (driftless.render.smoothing):"
                    + " motion_state, one_euro or none, to compare them in drift (default: ${DEFAULT-VALUE}).")
    Smoothing smoothing;

    @Option(names = "--display-delay", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "0ms",
            description = "How long after its capture a frame is on the screen, for the drift figures"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration displayDelay;

    @Option(names = "--summary-json", paramLabel = "FILE", description = "Also write the summary as JSON to this file.")
    Path summaryJson;

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "9092",
            description = "Kafka broker port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--web-port", paramLabel = "PORT", defaultValue = "8081",
            description = "Flink web UI port (default: ${DEFAULT-VALUE}).")
    int webPort;

    @Option(names = "--prometheus-port", paramLabel = "PORT", defaultValue = "9249",
            description = "Prometheus metrics endpoint port; 0 switches the reporter off, to measure what metrics"
                    + " cost. With --task-managers each Flink process has an endpoint of its own, printed at"
                    + " start (default: ${DEFAULT-VALUE}).")
    int prometheusPort;

    @Option(names = "--inference", paramLabel = "WHERE", defaultValue = "in-process",
            converter = BackendConverter.class,
            description = "Where the model runs: in-process, or remote (an inference server in this"
                    + " process, called over gRPC on --inference-port) (default: ${DEFAULT-VALUE}).")
    InferenceBackend inference;

    @Option(names = "--model", paramLabel = "FOLDER", split = ";",
            description = "Your own image model for image frames, in place of the face detector: a folder with"
                    + " model.onnx and model.properties (docs/bring-your-own-model.md), checked before anything"
                    + " starts. Repeat it (or separate folders with ';') to serve several: the JPEG users get the"
                    + " first, the web page any of them by name (stream.html?model=NAME). With --inference remote"
                    + " the inference server serves them.")
    List<Path> imageModels = new ArrayList<>();

    @Option(names = "--inference-port", paramLabel = "PORT", defaultValue = "50051",
            description = "gRPC port of the inference server with --inference remote (default: ${DEFAULT-VALUE}).")
    int inferencePort;

    @Option(names = "--inference-metrics-port", paramLabel = "PORT", defaultValue = "9400",
            description = "Prometheus port of the inference server with --inference remote (default: ${DEFAULT-VALUE}).")
    int inferenceMetricsPort;

    @Option(names = "--gateway-port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port of the web gateway, whose page streams your own camera through the job; 0 switches"
                    + " it off (default: ${DEFAULT-VALUE}).")
    int gatewayPort;

    @Option(names = "--kafka-retention", paramLabel = "DURATION",
            converter = DurationConverter.class, defaultValue = "4m",
            description = "How long the broker keeps records, at least 1m; a long run then holds a bounded log on"
                    + " disk and in memory. Raise it to check a longer run's books with frame-source's account"
                    + " afterwards (default: ${DEFAULT-VALUE}).")
    Duration kafkaRetention;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "1",
            description = "Job parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "2",
            description = "Partitions of each topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--task-managers", paramLabel = "N", defaultValue = "0",
            description = "Run the job as it is deployed: on a standalone Flink cluster of a JobManager and N"
                    + " TaskManagers, each a JVM of its own, configured by deploy/flink/config.yaml, the job jar"
                    + " submitted with flink run. 0 runs it in this JVM on a MiniCluster (default: ${DEFAULT-VALUE}).")
    int taskManagers;

    /**
     * The --model folders' models by name, in the order given, each as the start-up lines describe
     * it; the names are what the job asks the inference server for.
     */
    private final Map<String, String> servedImageModels = new LinkedHashMap<>();
    /** The pre-roll's answers still on their way when it ends are not waited for: nothing reads its books. */
    private static final Duration PRE_ROLL_DRAIN = Duration.ofMillis(500);

    /** Set by Ctrl-C; the main thread checks it between start-up steps. */
    private volatile boolean stopping;
    private volatile SyntheticRun run;
    private volatile SyntheticRun jpegRun;
    private volatile PreRoll preRolling;

    /** The landmark users given with --users. */
    public int users() {
        return users;
    }

    public int fps() {
        return fps;
    }

    public int jpegUsers() {
        return jpegUsers;
    }

    public int jpegFps() {
        return jpegFps;
    }

    /** Refuses options out of their range before anything starts, with a message that names the option. */
    public void check() {
        new LocalSystem.Ports(kafkaPort, webPort, prometheusPort);
        new BrokerRetention(kafkaRetention);
        if (users < 1 || users > SyntheticConfig.MAX_USERS) {
            // the landmark users carry the run's on-time, pose and drift figures: at least one streams
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--users must be between 1 and %,d, got %d",
                    SyntheticConfig.MAX_USERS, users));
        }
        if (fps < 1 || fps > SyntheticConfig.MAX_FPS) {
            throw new IllegalArgumentException("--fps must be between 1 and " + SyntheticConfig.MAX_FPS + ", got " + fps);
        }
        if (jpegUsers < 0) {
            throw new IllegalArgumentException("--jpeg-users must be 0 or more, got " + jpegUsers);
        }
        if (jpegFps < 1 || jpegFps > 120) {
            throw new IllegalArgumentException("--jpeg-fps must be in 1..120, got " + jpegFps);
        }
        if (preRoll.isNegative()) {
            throw new IllegalArgumentException("--pre-roll must be 0s or more, got " + preRoll);
        }
        if (warmUpRun.isNegative()) {
            throw new IllegalArgumentException("--warm-up-run must be 0s or more, got " + warmUpRun);
        }
        shape();
        if (taskManagers > 0) {
            ClusterJob.checkSlots(projectRoot(), taskManagers, parallelism);
        }
        if (gatewayPort < 0 || gatewayPort > 65535) {
            throw new IllegalArgumentException("--gateway-port must be 0 (off) to 65535, got " + gatewayPort);
        }
        servedImageModels.clear();
        for (Path folder : imageModels) {
            if (!Files.isDirectory(folder)) {
                throw new IllegalArgumentException("--model " + folder + " is not a folder: give the folder that"
                        + " holds model.onnx and model.properties");
            }
            // the job checks it too, but only once Kafka and Flink are up: refuse a bad one first
            ImageModel model;
            try {
                model = ModelFolder.load(folder);
            } catch (ModelFolderException e) {
                throw new IllegalArgumentException("--model: " + e.getMessage(), e);
            }
            String described = model.name() + " (" + model.family().name().toLowerCase(Locale.ROOT) + ") from "
                    + folder.toAbsolutePath();
            String before = servedImageModels.putIfAbsent(model.name(), described);
            if (before != null) {
                throw new IllegalArgumentException("--model: two folders give the model name '" + model.name()
                        + "': " + before + " and " + folder.toAbsolutePath() + "; frames pick a model by its name,"
                        + " so give one of them another name in its model.properties");
            }
        }
        if (displayDelay.isNegative() || displayDelay.compareTo(SyntheticConfig.MAX_DISPLAY_DELAY) > 0) {
            throw new IllegalArgumentException("--display-delay must be between 0s and "
                    + SyntheticConfig.MAX_DISPLAY_DELAY.toSeconds() + "s, got " + displayDelay);
        }
    }

    /**
     * Starts the system, pre-rolls it until it is warm, streams {@code users} landmark users (and the JPEG users)
     * with {@code measurement} around the measured stretch, prints the summary and shuts
     * everything down; Ctrl-C stops it in order. Returns the exit code: 0, or 130 when stopped
     * before the measured stretch.
     */
    public int run(PrintStream out, int users, Measurement measurement) throws Exception {
        LocalSystem.Ports ports = new LocalSystem.Ports(kafkaPort, webPort, prometheusPort);
        BrokerRetention retention = new BrokerRetention(kafkaRetention);
        CountDownLatch finished = new CountDownLatch(1);
        // Ctrl-C at any point: stop streaming, then let this thread shut everything down in order
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping = true;
            PreRoll warming = preRolling;
            if (warming != null) {
                warming.stop();
            }
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
            out.println("Starting Kafka on 127.0.0.1:" + kafkaPort + " and the job ...");
            // closed in reverse: the job goes before the server it calls
            try (LocalInferenceServer remote = inference == InferenceBackend.REMOTE ? startInferenceServer(out) : null;
                    LocalSystem system = LocalSystem.start(ports, parallelism, partitions, jobSettings(),
                            retention, shape(), () -> stopping)) {
                if (stopping) {
                    out.println("Shutting down ...");
                    return 130;
                }
                out.println("The job runs " + system.job().describe() + ".");
                out.println("Flink web UI:        " + system.job().webUi());
                String load = String.format("%d synthetic users at %d fps%s", users, fps,
                        jpegUsers == 0 ? "" : String.format(" and %d JPEG users at %d fps", jpegUsers, jpegFps));
                PreRoll.Outcome preRolled = null;
                if (!preRoll.isZero()) {
                    preRolled = preRollUntilWarm(system.bootstrapServers(), users, out);
                    if (preRolled == null) {
                        out.println("Shutting down ...");
                        return 130;
                    }
                }
                try (WebGateway gateway = gatewayPort == 0 ? null : startGateway(system.bootstrapServers())) {
                    return stream(system, gateway, remote, users, load, preRolled, measurement, out);
                }
            }
        } finally {
            finished.countDown();
        }
    }

    /**
     * Prints where to look, streams the warm-up run (if any) and the measured stretch, and prints
     * the summary, with how the pre-roll ended ({@code preRolled}, null without one).
     */
    private int stream(LocalSystem system, WebGateway gateway, LocalInferenceServer remote, int users, String load,
            PreRoll.Outcome preRolled, Measurement measurement, PrintStream out) throws Exception {
        List<String> metrics = new ArrayList<>(system.job().metricsEndpoints());
        if (gateway != null && gateway.metricsPort() >= 0) {
            metrics.add("http://localhost:" + gateway.metricsPort() + "/metrics (web gateway)");
        }
        out.println("Prometheus metrics:  " + (metrics.isEmpty() ? "off" : String.join("\n                     ", metrics)));
        if (gateway != null) {
            out.println("Web gateway:         http://localhost:" + gateway.port()
                    + "/ (open it, allow the camera: the filter on your own face)");
        }
        if (!servedImageModels.isEmpty()) {
            out.println("Image models:        " + String.join("\n                     ",
                    servedImageModels.values()) + (servedImageModels.size() > 1
                    ? "\n                     (the first for frames that name none)" : ""));
        }
        if (remote != null) {
            out.println("Inference server:    localhost:" + inferencePort + " (gRPC), metrics on http://localhost:"
                    + inferenceMetricsPort + "/metrics");
        }
        if (!warmUpRun.isZero()) {
            out.printf("Warming up: %s for %d s, left out of the summary ...%n", load, warmUpRun.toSeconds());
            Phase warm = streamFor(system.bootstrapServers(), users, warmUpRun, out);
            if (stopping) {
                out.println("Shutting down ...");
                return 130;
            }
            out.printf("Warm-up done: %.1f%% of its frames on time.%n", 100 * warm.users().onTimeRatio());
        }
        out.printf("Streaming %s%s. Ctrl-C stops.%n", load,
                duration == null ? "" : " for " + duration.toSeconds() + " s");
        Phase measured;
        try (Measurement.Running measuring = measurement.start()) {
            measured = streamFor(system.bootstrapServers(), users, duration, out);
            measuring.report(out);
        }
        out.println();
        out.println(measured.users().toTable());
        if (measured.jpegUsers() != null) {
            out.println();
            out.println("JPEG users:");
            out.println(measured.jpegUsers().toTable());
        }
        if (summaryJson != null) {
            Files.writeString(summaryJson, summaryJson(measured.users(), measured.jpegUsers(), preRolled),
                    StandardCharsets.UTF_8);
            out.println("Summary written to " + summaryJson.toAbsolutePath());
        }
        out.println("Shutting down ...");
        return 0;
    }

    /**
     * Streams the pre-roll, says how it ended and returns that; null when Ctrl-C stopped it. A
     * pre-roll that reaches its limit cold is not an error: the users then start on what the
     * machine gives.
     */
    private PreRoll.Outcome preRollUntilWarm(String bootstrapServers, int users, PrintStream out) {
        out.printf("Pre-roll: sessions of its own, ramped up to the same load, until the answers are on time;"
                + " %d s at most ...%n", preRoll.toSeconds());
        PreRoll warming = new PreRoll(
                n -> PreRoll.Users.of(new SyntheticRun(users(bootstrapServers, null).users(n).fps(fps)
                        .drainTimeout(PRE_ROLL_DRAIN).build())),
                n -> PreRoll.Users.of(new SyntheticRun(users(bootstrapServers, null).users(n).fps(jpegFps)
                        .sendMode(SendMode.JPEG).drainTimeout(PRE_ROLL_DRAIN).build())),
                users, jpegUsers, preRoll, out);
        preRolling = warming;
        if (stopping) {
            return null;
        }
        PreRoll.Outcome outcome;
        try {
            outcome = warming.run();
        } finally {
            preRolling = null;
        }
        if (stopping) {
            return null;
        }
        String shares = PreRoll.percent(outcome.landmarksOnTime())
                + (Double.isNaN(outcome.jpegOnTime()) ? ""
                        : " (JPEG frames " + PreRoll.percent(outcome.jpegOnTime()) + ")");
        out.printf(Locale.ROOT, outcome.warm()
                        ? "Pre-roll done in %d s: %s on time over its last %d s. The system is warm.%n"
                        : "Pre-roll stopped at its limit, %d s: %s on time over its last %d s, under the bar;"
                                + " the users' first seconds may miss their deadlines.%n",
                outcome.seconds(), shares, PreRoll.WINDOW_SECONDS);
        return outcome;
    }

    private JobShape shape() {
        return taskManagers == 0 ? JobShape.IN_PROCESS : JobShape.cluster(taskManagers, projectRoot());
    }

    /** bin/driftless-local runs from the project's root folder, where the build put the cluster's jars. */
    private static Path projectRoot() {
        return Path.of("").toAbsolutePath();
    }

    /** The job's driftless options besides its Kafka cluster. */
    /** The gateway on this machine only, in front of the local job's default topics. */
    private WebGateway startGateway(String bootstrapServers) throws Exception {
        return WebGateway.start(GatewayConfig.builder()
                .bootstrapServers(bootstrapServers)
                .bindHost("127.0.0.1")
                .port(gatewayPort)
                // beside the job's endpoints when those are on; on a free port, printed at start
                .metricsPort(prometheusPort == 0 ? -1 : 0)
                .instanceId("local")
                .tokenKey(TokenKey.random())
                .build());
    }

    private Configuration jobSettings() {
        Configuration settings = new Configuration();
        settings.set(DriftlessOptions.INFERENCE_BACKEND, inference);
        settings.set(DriftlessOptions.SMOOTHING, smoothing);
        if (!imageModels.isEmpty()) {
            // the TaskManagers of --task-managers run from another working directory; remotely the server
            // loads the folders and the job names the models
            settings.set(DriftlessOptions.IMAGE_MODEL, inference == InferenceBackend.REMOTE
                    ? List.copyOf(servedImageModels.keySet())
                    : imageModels.stream().map(folder -> folder.toAbsolutePath().toString()).toList());
        }
        if (inference == InferenceBackend.REMOTE) {
            settings.set(DriftlessOptions.INFERENCE_TARGET, "localhost:" + inferencePort);
        }
        return settings;
    }

    private LocalInferenceServer startInferenceServer(PrintStream out) throws Exception {
        out.println("Starting the inference server on port " + inferencePort + " ...");
        return LocalInferenceServer.start(inferencePort, inferenceMetricsPort, imageModels);
    }

    /** What the landmark users and the JPEG users (null when there are none) of one stretch of streaming sum up to. */
    private record Phase(RunSummary users, RunSummary jpegUsers) {}

    /**
     * The landmark users' summary, with the JPEG users' under {@code jpeg_users} when there were
     * any, and how the pre-roll before them ended under {@code pre_roll} when there was one.
     */
    static String summaryJson(RunSummary users, RunSummary jpegUsers, PreRoll.Outcome preRolled) throws IOException {
        if (jpegUsers == null && preRolled == null) {
            return users.toJson();
        }
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = (ObjectNode) json.readTree(users.toJson());
        if (jpegUsers != null) {
            root.set("jpeg_users", json.readTree(jpegUsers.toJson()));
        }
        if (preRolled != null) {
            ObjectNode preRoll = root.putObject("pre_roll");
            preRoll.put("seconds", preRolled.seconds());
            preRoll.put("warm", preRolled.warm());
            preRoll.put("on_time_ratio", preRolled.landmarksOnTime());
            if (!Double.isNaN(preRolled.jpegOnTime())) {
                preRoll.put("jpeg_on_time_ratio", preRolled.jpegOnTime());
            }
        }
        return json.writeValueAsString(root);
    }

    /** Streams the landmark and the JPEG users side by side for {@code length} (null: until Ctrl-C). */
    private Phase streamFor(String bootstrapServers, int users, Duration length, PrintStream out) {
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
                .maxClockSkew(clockSkewMax)
                .motion(motion)
                .displayDelay(displayDelay);
        if (length != null) {
            source.duration(length);
        }
        return source;
    }

    /** Accepts calm, normal, brisk, fast or shake, in any case. */
    static final class MotionConverter implements CommandLine.ITypeConverter<MotionProfile> {
        @Override
        public MotionProfile convert(String value) {
            try {
                return MotionProfile.fromCliName(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
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

    static final class SmoothingConverter implements CommandLine.ITypeConverter<Smoothing> {
        @Override
        public Smoothing convert(String value) {
            for (Smoothing mode : Smoothing.values()) {
                if (mode.name().equalsIgnoreCase(value)) {
                    return mode;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not motion_state, one_euro or none");
        }
    }
}
