package io.driftless.source;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code frame-source synthetic}: many simulated users with known head poses. */
@Command(
        name = "synthetic",
        mixinStandardHelpOptions = true,
        versionProvider = FrameSourceCli.Version.class,
        sortOptions = false,
        description = {
            "Simulates many users whose heads move smoothly in front of a camera. Sends each"
                    + " user's six face keypoints (true pose projected, plus noise) as landmark"
                    + " frames, reads the job's coordinates and drops, and reports round trips,"
                    + " on-time ratio, drops by reason and pose error against the truth.",
            "Ctrl-C stops sending; the run still drains and prints its summary."
        })
final class SyntheticCommand implements Callable<Integer> {

    /** Covers flushing, closing the clients and printing, after the drain. */
    private static final Duration SHUTDOWN_SLACK = Duration.ofSeconds(5);

    @Spec
    private CommandSpec spec;

    @ParentCommand
    private FrameSourceCli parent;

    @Option(names = "--users", paramLabel = "N", defaultValue = "" + SyntheticConfig.DEFAULT_USERS,
            description = "Simulated users, one session each (default: ${DEFAULT-VALUE}).")
    private int users;

    @Option(names = "--fps", paramLabel = "N", defaultValue = "" + SyntheticConfig.DEFAULT_FPS,
            description = "Frames per second per user (default: ${DEFAULT-VALUE}).")
    private int fps;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to send, e.g. 40s, 2m, 500ms, PT1M (default: until Ctrl-C).")
    private Duration duration;

    @Option(names = "--deadline-ms", paramLabel = "MS",
            defaultValue = "" + SyntheticConfig.DEFAULT_DEADLINE_MS,
            description = "Capture-to-render budget sent in each frame (default: ${DEFAULT-VALUE}).")
    private int deadlineMs;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            defaultValue = "localhost:9092",
            description = "Kafka brokers (default: ${DEFAULT-VALUE}).")
    private String bootstrapServers;

    @Option(names = "--frames-topic", paramLabel = "TOPIC",
            defaultValue = SyntheticConfig.DEFAULT_FRAMES_TOPIC,
            description = "Where frames go (default: ${DEFAULT-VALUE}).")
    private String framesTopic;

    @Option(names = "--coordinates-topic-pattern", paramLabel = "PATTERN",
            defaultValue = SyntheticConfig.DEFAULT_COORDINATES_TOPIC_PATTERN,
            description = "Where the job writes coordinates; with " + SyntheticConfig.SESSION_PLACEHOLDER
                    + " one topic per session (default: ${DEFAULT-VALUE}).")
    private String coordinatesTopicPattern;

    @Option(names = "--dropped-topic", paramLabel = "TOPIC",
            defaultValue = SyntheticConfig.DEFAULT_DROPPED_TOPIC,
            description = "Where the job writes dropped frames (default: ${DEFAULT-VALUE}).")
    private String droppedTopic;

    @Option(names = "--clock-skew-max", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "0s",
            description = "Each user's clock is off by a seeded amount within plus or minus this,"
                    + " e.g. 5s (default: ${DEFAULT-VALUE}).")
    private Duration clockSkewMax;

    @Option(names = "--noise-px", paramLabel = "SIGMA",
            defaultValue = "" + SyntheticConfig.DEFAULT_NOISE_PX,
            description = "Gaussian keypoint noise, standard deviation in pixels"
                    + " (default: ${DEFAULT-VALUE}).")
    private double noisePx;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "" + SyntheticConfig.DEFAULT_SEED,
            description = "Seeds motion, clock skew and noise, so a run can be replayed"
                    + " (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--image-size", paramLabel = "WxH", converter = ImageSizeConverter.class,
            defaultValue = SyntheticConfig.DEFAULT_IMAGE_WIDTH + "x"
                    + SyntheticConfig.DEFAULT_IMAGE_HEIGHT,
            description = "The simulated camera's image size (default: ${DEFAULT-VALUE}).")
    private ImageSize imageSize;

    @Option(names = "--fov-deg", paramLabel = "DEGREES",
            defaultValue = "" + SyntheticConfig.DEFAULT_HORIZONTAL_FOV_DEG,
            description = "The simulated camera's horizontal field of view; its focal length goes"
                    + " into every frame (default: ${DEFAULT-VALUE}).")
    private double fovDeg;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = SyntheticConfig.DEFAULT_DRAIN_TIMEOUT_MS / 1000 + "s",
            description = "How long to wait for outstanding answers after the last send"
                    + " (default: ${DEFAULT-VALUE}).")
    private Duration drainTimeout;

    @Option(names = "--connect-timeout", paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = SyntheticConfig.DEFAULT_CONNECT_TIMEOUT_MS / 1000 + "s",
            description = "How long to wait for the brokers before giving up"
                    + " (default: ${DEFAULT-VALUE}).")
    private Duration connectTimeout;

    @Option(names = "--status-interval", paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = SyntheticConfig.DEFAULT_STATUS_INTERVAL_MS / 1000 + "s",
            description = "How often the live status line prints (default: ${DEFAULT-VALUE}).")
    private Duration statusInterval;

    @Option(names = "--quiet", description = "No live status line; only the summary.")
    private boolean quiet;

    @Option(names = "--run-id", paramLabel = "ID",
            description = "Prefix of the session ids (default: a fresh id per run, so runs sharing"
                    + " topics never mix).")
    private String runId;

    @Option(names = "--summary-json", paramLabel = "FILE",
            description = "Also write the summary as JSON to this file.")
    private Path summaryJson;

    @Option(names = "--sent-log", paramLabel = "FILE",
            description = "Also log every frame sent (session, sequence) to this file, for"
                    + " 'frame-source account'.")
    private Path sentLog;

    @Option(names = "--kafka", paramLabel = "KEY=VALUE",
            description = "Extra producer and consumer property, e.g. security.protocol=SSL;"
                    + " repeatable.")
    private Map<String, String> kafka = new LinkedHashMap<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        SyntheticConfig config = config();
        PrintStream out = parent.out();
        try (SyntheticRun run = new SyntheticRun(config)) {
            CountDownLatch printed = new CountDownLatch(1);
            Thread stopOnInterrupt = new Thread(() -> {
                run.stop();
                awaitQuietly(printed, config.connectTimeout().multipliedBy(2)
                        .plus(config.drainTimeout()).plus(SHUTDOWN_SLACK));
            }, "driftless-source-shutdown");
            Runtime.getRuntime().addShutdownHook(stopOnInterrupt);
            try {
                RunSummary summary = run.run();
                out.print(summary.toTable());
                if (summaryJson != null) {
                    Files.writeString(summaryJson, summary.toJson() + System.lineSeparator(),
                            StandardCharsets.UTF_8);
                    out.println("summary written to " + summaryJson);
                }
                out.flush();
                return 0;
            } finally {
                printed.countDown();
                removeQuietly(stopOnInterrupt);
            }
        }
    }

    private SyntheticConfig config() {
        try {
            return SyntheticConfig.builder()
                    .users(users)
                    .fps(fps)
                    .duration(duration)
                    .deadlineMs(deadlineMs)
                    .bootstrapServers(bootstrapServers)
                    .framesTopic(framesTopic)
                    .coordinatesTopicPattern(coordinatesTopicPattern)
                    .droppedTopic(droppedTopic)
                    .maxClockSkew(clockSkewMax)
                    .noisePx(noisePx)
                    .seed(seed)
                    .imageSize(imageSize.width(), imageSize.height())
                    .horizontalFovDeg(fovDeg)
                    .drainTimeout(drainTimeout)
                    .connectTimeout(connectTimeout)
                    .statusInterval(statusInterval)
                    .statusOut(quiet ? null : parent.out())
                    .runId(runId)
                    .sentLog(sentLog)
                    .kafkaProperties(kafka)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private static void awaitQuietly(CountDownLatch latch, Duration timeout) {
        try {
            latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeQuietly(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shutdownInProgress) {
            // The hook is running: it returns once the summary is printed.
        }
    }

    record ImageSize(int width, int height) {}

    /** Reads {@code 640x480}. */
    static final class ImageSizeConverter implements ITypeConverter<ImageSize> {
        @Override
        public ImageSize convert(String text) {
            String[] parts = text.strip().toLowerCase(Locale.ROOT).split("x");
            try {
                if (parts.length == 2) {
                    return new ImageSize(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException("'" + text + "' is not an image size: write it like"
                    + " 640x480");
        }
    }
}
