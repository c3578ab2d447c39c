package io.driftless.source;

import static io.driftless.source.SettingCheck.require;

import io.driftless.inference.pose.PinholeCamera;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a {@link SyntheticRun} simulates and where it talks to ({@link #kafkaLink()}). Immutable;
 * build one with {@link #builder()}, whose setters reject bad values at once with a message naming
 * the field.
 *
 * <pre>{@code
 * SyntheticConfig config = SyntheticConfig.builder()
 *         .bootstrapServers("localhost:9092")
 *         .users(50)
 *         .fps(30)
 *         .duration(Duration.ofSeconds(20))
 *         .build();
 * }</pre>
 */
public final class SyntheticConfig {

    public static final int DEFAULT_USERS = 200;
    public static final int MAX_USERS = 100_000;
    public static final int DEFAULT_FPS = 30;
    public static final int MAX_FPS = 1_000;
    public static final double DEFAULT_NOISE_PX = 1.5;
    public static final double MAX_NOISE_PX = 50;
    public static final long DEFAULT_SEED = 20_261_121L;
    public static final int DEFAULT_IMAGE_WIDTH = 640;
    public static final int DEFAULT_IMAGE_HEIGHT = 480;
    public static final int MIN_IMAGE_SIDE = 32;
    public static final int MAX_IMAGE_SIDE = 8_192;
    public static final double DEFAULT_HORIZONTAL_FOV_DEG = 60;
    public static final Duration MAX_CLOCK_SKEW = Duration.ofDays(1);
    public static final MotionProfile DEFAULT_MOTION = MotionProfile.NORMAL;
    public static final Duration MAX_DISPLAY_DELAY = Duration.ofSeconds(1);

    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final int users;
    private final int fps;
    private final Duration duration;
    private final FrameSettings frames;
    private final KafkaLink kafkaLink;
    private final Duration maxClockSkew;
    private final double noisePx;
    private final long seed;
    private final int imageWidth;
    private final int imageHeight;
    private final double horizontalFovDeg;
    private final ReportSettings report;
    private final boolean recordPoses;
    private final String runId;
    private final Path sentLog;
    private final Path image;
    private final MotionProfile motion;
    private final Duration displayDelay;

    SyntheticConfig(Builder b, KafkaLink kafkaLink) {
        this.users = b.users;
        this.fps = b.fps;
        this.duration = b.duration;
        this.frames = b.frames;
        this.kafkaLink = kafkaLink;
        this.maxClockSkew = b.maxClockSkew;
        this.noisePx = b.noisePx;
        this.seed = b.seed;
        this.imageWidth = b.imageWidth;
        this.imageHeight = b.imageHeight;
        this.horizontalFovDeg = b.horizontalFovDeg;
        this.report = b.report;
        this.recordPoses = b.recordPoses;
        this.runId = b.runId;
        this.sentLog = b.sentLog;
        this.image = b.image;
        this.motion = b.motion;
        this.displayDelay = b.displayDelay;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Simulated users, one session each. */
    public int users() {
        return users;
    }

    /** Frames per second per user. */
    public int fps() {
        return fps;
    }

    /** How long to send; empty means until {@link SyntheticRun#stop()}. */
    public Optional<Duration> duration() {
        return Optional.ofNullable(duration);
    }

    /** What every user sends, the budget each frame carries, and the quality of JPEG frames. */
    public FrameSettings frames() {
        return frames;
    }

    /**
     * The brokers, topics and client settings, as every run kind's Kafka clients take them; the
     * annotated-frames topic only when the users send JPEG frames.
     */
    public KafkaLink kafkaLink() {
        return kafkaLink;
    }

    /** The photo JPEG frames show; empty means the bundled one. */
    public Optional<Path> image() {
        return Optional.ofNullable(image);
    }

    /** Each user's clock is off by a seeded amount, uniform within plus or minus this. */
    public Duration maxClockSkew() {
        return maxClockSkew;
    }

    /** Standard deviation of the Gaussian noise added to each keypoint coordinate. */
    public double noisePx() {
        return noisePx;
    }

    /** Seeds head motion, clock skew and noise, so a run can be replayed. */
    public long seed() {
        return seed;
    }

    /** How fast the simulated heads move. */
    public MotionProfile motion() {
        return motion;
    }

    /**
     * How long after its capture a frame is on the screen; drift is measured on each frame as
     * shown then, with the answers received by then.
     */
    public Duration displayDelay() {
        return displayDelay;
    }

    public int imageWidth() {
        return imageWidth;
    }

    public int imageHeight() {
        return imageHeight;
    }

    public double horizontalFovDeg() {
        return horizontalFovDeg;
    }

    /** The simulated camera every user has. */
    public PinholeCamera camera() {
        return PinholeCamera.withHorizontalFov(imageWidth, imageHeight, horizontalFovDeg);
    }

    /** How long the run waits for answers after its last send, and its live status line. */
    public ReportSettings report() {
        return report;
    }

    /** Whether the summary keeps every (sequence, truth, returned pose) triple. */
    public boolean recordPoses() {
        return recordPoses;
    }

    /** A fixed run id; empty means a fresh one per run. */
    public Optional<String> runId() {
        return Optional.ofNullable(runId);
    }

    /** Where the run writes its sent log for {@code frame-source account}, if anywhere. */
    public Optional<Path> sentLog() {
        return Optional.ofNullable(sentLog);
    }

    /** Builds a {@link SyntheticConfig}; each setter checks its argument. */
    public static final class Builder {
        private int users = DEFAULT_USERS;
        private int fps = DEFAULT_FPS;
        private Duration duration;
        private FrameSettings frames = FrameSettings.DEFAULT;
        private final KafkaLink.Builder link = KafkaLink.builder();
        private Duration maxClockSkew = Duration.ZERO;
        private double noisePx = DEFAULT_NOISE_PX;
        private long seed = DEFAULT_SEED;
        private int imageWidth = DEFAULT_IMAGE_WIDTH;
        private int imageHeight = DEFAULT_IMAGE_HEIGHT;
        private double horizontalFovDeg = DEFAULT_HORIZONTAL_FOV_DEG;
        private ReportSettings report = ReportSettings.DEFAULT;
        private boolean recordPoses;
        private String runId;
        private Path sentLog;
        private Path image;
        private String annotatedTopicPattern = KafkaLink.DEFAULT_ANNOTATED_TOPIC_PATTERN;
        private MotionProfile motion = DEFAULT_MOTION;
        private Duration displayDelay = Duration.ZERO;

        Builder() {}

        public Builder users(int users) {
            require(users >= 1 && users <= MAX_USERS,
                    "users must be between 1 and %,d, got %d", MAX_USERS, users);
            this.users = users;
            return this;
        }

        public Builder fps(int fps) {
            require(fps >= 1 && fps <= MAX_FPS, "fps must be between 1 and %d, got %d", MAX_FPS, fps);
            this.fps = fps;
            return this;
        }

        /** How long to send; null means until {@link SyntheticRun#stop()}. */
        public Builder duration(Duration duration) {
            require(duration == null || (!duration.isNegative() && !duration.isZero()),
                    "duration must be positive, or null to run until stop(), got %s", duration);
            this.duration = duration;
            return this;
        }

        /** What every user sends, the budget each frame carries, and the quality of JPEG frames. */
        public Builder frames(FrameSettings frames) {
            require(frames != null, "frames must not be null");
            this.frames = frames;
            return this;
        }

        public Builder deadlineMs(int deadlineMs) {
            this.frames = frames.withDeadlineMs(deadlineMs);
            return this;
        }

        public Builder bootstrapServers(String bootstrapServers) {
            link.bootstrapServers(bootstrapServers);
            return this;
        }

        public Builder framesTopic(String framesTopic) {
            link.framesTopic(framesTopic);
            return this;
        }

        /** See {@link KafkaLink.Builder#coordinatesTopicPattern}. */
        public Builder coordinatesTopicPattern(String pattern) {
            link.coordinatesTopicPattern(pattern);
            return this;
        }

        public Builder droppedTopic(String droppedTopic) {
            link.droppedTopic(droppedTopic);
            return this;
        }

        /** The most any user's clock is off; zero (the default) gives every user a true clock. */
        public Builder maxClockSkew(Duration maxClockSkew) {
            require(maxClockSkew != null && !maxClockSkew.isNegative()
                            && maxClockSkew.compareTo(MAX_CLOCK_SKEW) <= 0,
                    "maxClockSkew must be between 0 and %s, got %s", MAX_CLOCK_SKEW, maxClockSkew);
            this.maxClockSkew = maxClockSkew;
            return this;
        }

        public Builder noisePx(double noisePx) {
            require(noisePx >= 0 && noisePx <= MAX_NOISE_PX,
                    "noisePx must be between 0 and %s pixels, got %s", MAX_NOISE_PX, noisePx);
            this.noisePx = noisePx;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** How fast the simulated heads move; {@link MotionProfile#NORMAL} by default. */
        public Builder motion(MotionProfile motion) {
            require(motion != null, "motion must be one of %s, got null",
                    Arrays.toString(MotionProfile.values()));
            this.motion = motion;
            return this;
        }

        /**
         * How long after its capture a frame is on the screen, from 0 (the default: the live
         * frame shown at once) to {@link #MAX_DISPLAY_DELAY}.
         */
        public Builder displayDelay(Duration displayDelay) {
            require(displayDelay != null && !displayDelay.isNegative()
                            && displayDelay.compareTo(MAX_DISPLAY_DELAY) <= 0,
                    "displayDelay must be between 0 and %s, got %s", MAX_DISPLAY_DELAY,
                    displayDelay);
            this.displayDelay = displayDelay;
            return this;
        }

        public Builder imageSize(int width, int height) {
            require(width >= MIN_IMAGE_SIDE && width <= MAX_IMAGE_SIDE
                            && height >= MIN_IMAGE_SIDE && height <= MAX_IMAGE_SIDE,
                    "imageSize must be between %d and %d pixels on each side, got %dx%d",
                    MIN_IMAGE_SIDE, MAX_IMAGE_SIDE, width, height);
            this.imageWidth = width;
            this.imageHeight = height;
            return this;
        }

        public Builder horizontalFovDeg(double horizontalFovDeg) {
            require(horizontalFovDeg >= 20 && horizontalFovDeg <= 150,
                    "horizontalFovDeg must be between 20 and 150 degrees, got %s", horizontalFovDeg);
            this.horizontalFovDeg = horizontalFovDeg;
            return this;
        }

        /** How the run reports; the default is quiet and drains for 3 s. */
        public Builder report(ReportSettings report) {
            require(report != null, "report must not be null");
            this.report = report;
            return this;
        }

        /** How long to wait for outstanding answers after the last send. */
        public Builder drainTimeout(Duration drainTimeout) {
            this.report = report.withDrainTimeout(drainTimeout);
            return this;
        }

        /** Where the live status line goes; null (the default) keeps the run quiet. */
        public Builder statusOut(PrintStream statusOut) {
            this.report = report.withStatusOut(statusOut);
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            link.connectTimeout(connectTimeout);
            return this;
        }

        /** An extra producer and consumer property; it wins over the client's own settings. */
        public Builder kafkaProperty(String key, String value) {
            link.kafkaProperty(key, value);
            return this;
        }

        public Builder kafkaProperties(Map<String, String> properties) {
            link.kafkaProperties(properties);
            return this;
        }

        /**
         * Keeps every (sequence, truth, returned pose) triple in the summary, for tests that check
         * what the job answered; off by default because it grows with the run.
         */
        public Builder recordPoses(boolean recordPoses) {
            this.recordPoses = recordPoses;
            return this;
        }

        /**
         * A fixed run id, the prefix of every session id; by default each run draws a fresh one so
         * that runs sharing topics never mix. Must also be usable inside topic names.
         */
        public Builder runId(String runId) {
            require(runId == null || RUN_ID.matcher(runId).matches(),
                    "runId must be 1 to 64 characters of [A-Za-z0-9._-] (it becomes part of"
                            + " session ids and per-session topic names), got '%s'", runId);
            this.runId = runId;
            return this;
        }

        /** Writes every frame sent as {@code session<TAB>sequence} to this file; null for none. */
        public Builder sentLog(Path sentLog) {
            this.sentLog = sentLog;
            return this;
        }

        /**
         * Landmarks (the default) or JPEG frames of {@link #imageSize} at {@link #jpegQuality},
         * encoded before the run starts.
         */
        public Builder sendMode(SendMode sendMode) {
            this.frames = frames.withSendMode(sendMode);
            return this;
        }

        public Builder jpegQuality(int jpegQuality) {
            this.frames = frames.withJpegQuality(jpegQuality);
            return this;
        }

        /**
         * The photo JPEG frames show (any format ImageIO reads; a face that fills a fair part of
         * it, or the job's short-range detector finds none); null for the bundled one.
         */
        public Builder image(Path image) {
            require(image == null || Files.isRegularFile(image),
                    "image '%s' does not exist or is not a file: name a photo with a face, or leave"
                            + " it out for the bundled one", image);
            this.image = image;
            return this;
        }

        /**
         * Where the job writes annotated frames, read only when the users send JPEG frames; same
         * {@value KafkaLink#SESSION_PLACEHOLDER} rule as the coordinates topic.
         */
        public Builder annotatedTopicPattern(String pattern) {
            require(pattern != null, "annotatedTopicPattern must not be null");
            this.annotatedTopicPattern = pattern;
            return this;
        }

        public SyntheticConfig build() {
            SendMode sendMode = frames.sendMode();
            require(image == null || sendMode == SendMode.JPEG,
                    "image is set but sendMode is %s: the photo is sent only as JPEG frames", sendMode);
            KafkaLink kafkaLink = link
                    .annotatedTopicPattern(sendMode == SendMode.JPEG ? annotatedTopicPattern : null)
                    .build();
            HeadMotion.checkFits(
                    PinholeCamera.withHorizontalFov(imageWidth, imageHeight, horizontalFovDeg));
            return new SyntheticConfig(this, kafkaLink);
        }
    }
}
