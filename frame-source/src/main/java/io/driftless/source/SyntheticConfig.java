package io.driftless.source;

import io.driftless.inference.pose.PinholeCamera;
import io.driftless.source.internal.TopicNames;
import io.driftless.source.video.SendMode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a {@link SyntheticRun} simulates and where it talks to. Immutable; build one with
 * {@link #builder()}, whose setters reject bad values at once with a message naming the field.
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
    public static final int DEFAULT_DEADLINE_MS = 33;
    public static final int MAX_DEADLINE_MS = 60_000;
    public static final String DEFAULT_FRAMES_TOPIC = "driftless.frames";
    public static final String DEFAULT_COORDINATES_TOPIC_PATTERN = "driftless.ar-coordinates";
    public static final String DEFAULT_DROPPED_TOPIC = "driftless.dropped";
    /** The placeholder that makes the coordinates topic one topic per session. */
    public static final String SESSION_PLACEHOLDER = KafkaLink.SESSION_PLACEHOLDER;
    public static final double DEFAULT_NOISE_PX = 1.5;
    public static final double MAX_NOISE_PX = 50;
    public static final long DEFAULT_SEED = 20_261_121L;
    public static final int DEFAULT_IMAGE_WIDTH = 640;
    public static final int DEFAULT_IMAGE_HEIGHT = 480;
    public static final int MIN_IMAGE_SIDE = 32;
    public static final int MAX_IMAGE_SIDE = 8_192;
    public static final double DEFAULT_HORIZONTAL_FOV_DEG = 60;
    public static final long DEFAULT_DRAIN_TIMEOUT_MS = 3_000;
    public static final long DEFAULT_STATUS_INTERVAL_MS = 1_000;
    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
    public static final Duration MAX_CLOCK_SKEW = Duration.ofDays(1);
    public static final int DEFAULT_JPEG_QUALITY = 80;

    /** The client reads and writes raw Protobuf bytes; these would break that. */
    private static final Set<String> RESERVED_KAFKA_KEYS = Set.of(
            "key.serializer", "value.serializer", "key.deserializer", "value.deserializer");
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final int users;
    private final int fps;
    private final Duration duration;
    private final int deadlineMs;
    private final String bootstrapServers;
    private final String framesTopic;
    private final String coordinatesTopicPattern;
    private final String droppedTopic;
    private final Duration maxClockSkew;
    private final double noisePx;
    private final long seed;
    private final int imageWidth;
    private final int imageHeight;
    private final double horizontalFovDeg;
    private final Duration drainTimeout;
    private final Duration statusInterval;
    private final PrintStream statusOut;
    private final Duration connectTimeout;
    private final Map<String, String> kafkaProperties;
    private final boolean recordPoses;
    private final String runId;
    private final Path sentLog;
    private final SendMode sendMode;
    private final int jpegQuality;
    private final Path image;
    private final String annotatedTopicPattern;

    SyntheticConfig(Builder b) {
        this.users = b.users;
        this.fps = b.fps;
        this.duration = b.duration;
        this.deadlineMs = b.deadlineMs;
        this.bootstrapServers = b.bootstrapServers;
        this.framesTopic = b.framesTopic;
        this.coordinatesTopicPattern = b.coordinatesTopicPattern;
        this.droppedTopic = b.droppedTopic;
        this.maxClockSkew = b.maxClockSkew;
        this.noisePx = b.noisePx;
        this.seed = b.seed;
        this.imageWidth = b.imageWidth;
        this.imageHeight = b.imageHeight;
        this.horizontalFovDeg = b.horizontalFovDeg;
        this.drainTimeout = b.drainTimeout;
        this.statusInterval = b.statusInterval;
        this.statusOut = b.statusOut;
        this.connectTimeout = b.connectTimeout;
        this.kafkaProperties = Collections.unmodifiableMap(new LinkedHashMap<>(b.kafkaProperties));
        this.recordPoses = b.recordPoses;
        this.runId = b.runId;
        this.sentLog = b.sentLog;
        this.sendMode = b.sendMode;
        this.jpegQuality = b.jpegQuality;
        this.image = b.image;
        this.annotatedTopicPattern = b.annotatedTopicPattern;
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

    /** The capture-to-render budget each frame carries. */
    public int deadlineMs() {
        return deadlineMs;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String framesTopic() {
        return framesTopic;
    }

    /**
     * The topic the job writes coordinates to; when it contains {@value #SESSION_PLACEHOLDER},
     * one topic per session.
     */
    public String coordinatesTopicPattern() {
        return coordinatesTopicPattern;
    }

    /** Whether the job writes each session's coordinates to a topic of its own. */
    public boolean perSessionCoordinatesTopics() {
        return coordinatesTopicPattern.contains(SESSION_PLACEHOLDER);
    }

    public String droppedTopic() {
        return droppedTopic;
    }

    /**
     * The brokers, topics and client settings, as every run kind's Kafka clients take them; the
     * annotated-frames topic only when the users send JPEG frames.
     */
    public KafkaLink kafkaLink() {
        return new KafkaLink(bootstrapServers, framesTopic, coordinatesTopicPattern, droppedTopic,
                sendMode == SendMode.JPEG ? annotatedTopicPattern : null, connectTimeout,
                kafkaProperties);
    }

    /**
     * What every user sends: six face keypoints (landmarks, answered with coordinates) or the
     * camera image as a JPEG (answered with an annotated frame, plus coordinates when a face is
     * found).
     */
    public SendMode sendMode() {
        return sendMode;
    }

    /** The quality of the JPEG frames sent with {@link SendMode#JPEG}, 1 to 100. */
    public int jpegQuality() {
        return jpegQuality;
    }

    /** The photo JPEG frames show; empty means the bundled one. */
    public Optional<Path> image() {
        return Optional.ofNullable(image);
    }

    /** Where the job writes annotated frames, read when the users send JPEG frames. */
    public String annotatedTopicPattern() {
        return annotatedTopicPattern;
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

    /** How long to wait for outstanding answers after the last send. */
    public Duration drainTimeout() {
        return drainTimeout;
    }

    public Duration statusInterval() {
        return statusInterval;
    }

    /** Where the live status line goes; empty means quiet. */
    public Optional<PrintStream> statusOut() {
        return Optional.ofNullable(statusOut);
    }

    /** How long to wait for the brokers before giving up on the run. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Extra properties for the producer and the consumer (security settings and the like). */
    public Map<String, String> kafkaProperties() {
        return kafkaProperties;
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
        private int deadlineMs = DEFAULT_DEADLINE_MS;
        private String bootstrapServers;
        private String framesTopic = DEFAULT_FRAMES_TOPIC;
        private String coordinatesTopicPattern = DEFAULT_COORDINATES_TOPIC_PATTERN;
        private String droppedTopic = DEFAULT_DROPPED_TOPIC;
        private Duration maxClockSkew = Duration.ZERO;
        private double noisePx = DEFAULT_NOISE_PX;
        private long seed = DEFAULT_SEED;
        private int imageWidth = DEFAULT_IMAGE_WIDTH;
        private int imageHeight = DEFAULT_IMAGE_HEIGHT;
        private double horizontalFovDeg = DEFAULT_HORIZONTAL_FOV_DEG;
        private Duration drainTimeout = Duration.ofMillis(DEFAULT_DRAIN_TIMEOUT_MS);
        private Duration statusInterval = Duration.ofMillis(DEFAULT_STATUS_INTERVAL_MS);
        private PrintStream statusOut;
        private Duration connectTimeout = Duration.ofMillis(DEFAULT_CONNECT_TIMEOUT_MS);
        private final Map<String, String> kafkaProperties = new LinkedHashMap<>();
        private boolean recordPoses;
        private String runId;
        private Path sentLog;
        private SendMode sendMode = SendMode.LANDMARKS;
        private int jpegQuality = DEFAULT_JPEG_QUALITY;
        private Path image;
        private String annotatedTopicPattern = KafkaLink.DEFAULT_ANNOTATED_TOPIC_PATTERN;

        Builder() {}

        public Builder users(int users) {
            check(users >= 1 && users <= MAX_USERS,
                    "users must be between 1 and %,d, got %d", MAX_USERS, users);
            this.users = users;
            return this;
        }

        public Builder fps(int fps) {
            check(fps >= 1 && fps <= MAX_FPS, "fps must be between 1 and %d, got %d", MAX_FPS, fps);
            this.fps = fps;
            return this;
        }

        /** How long to send; null means until {@link SyntheticRun#stop()}. */
        public Builder duration(Duration duration) {
            check(duration == null || (!duration.isNegative() && !duration.isZero()),
                    "duration must be positive, or null to run until stop(), got %s", duration);
            this.duration = duration;
            return this;
        }

        public Builder deadlineMs(int deadlineMs) {
            check(deadlineMs >= 1 && deadlineMs <= MAX_DEADLINE_MS,
                    "deadlineMs must be between 1 and %,d, got %d (0, the job's default, is not"
                            + " allowed: the client measures on-time ratios against this budget)",
                    MAX_DEADLINE_MS, deadlineMs);
            this.deadlineMs = deadlineMs;
            return this;
        }

        public Builder bootstrapServers(String bootstrapServers) {
            check(bootstrapServers != null && !bootstrapServers.isBlank(),
                    "bootstrapServers must name at least one broker, e.g. localhost:9092, got '%s'",
                    bootstrapServers);
            this.bootstrapServers = bootstrapServers.strip();
            return this;
        }

        public Builder framesTopic(String framesTopic) {
            this.framesTopic = topic("framesTopic", framesTopic);
            return this;
        }

        /**
         * The coordinates topic; a pattern with {@value #SESSION_PLACEHOLDER} makes the client
         * subscribe to every topic of its own sessions.
         */
        public Builder coordinatesTopicPattern(String pattern) {
            check(pattern != null, "coordinatesTopicPattern must not be null");
            int first = pattern.indexOf(SESSION_PLACEHOLDER);
            check(first < 0 || pattern.indexOf(SESSION_PLACEHOLDER, first + 1) < 0,
                    "coordinatesTopicPattern may contain %s at most once, got '%s'",
                    SESSION_PLACEHOLDER, pattern);
            String problem = TopicNames.problem(pattern.replace(SESSION_PLACEHOLDER, "s"));
            check(problem == null, "coordinatesTopicPattern '%s' is not a valid topic name: %s",
                    pattern, problem);
            this.coordinatesTopicPattern = pattern;
            return this;
        }

        public Builder droppedTopic(String droppedTopic) {
            this.droppedTopic = topic("droppedTopic", droppedTopic);
            return this;
        }

        /** The most any user's clock is off; zero (the default) gives every user a true clock. */
        public Builder maxClockSkew(Duration maxClockSkew) {
            check(maxClockSkew != null && !maxClockSkew.isNegative()
                            && maxClockSkew.compareTo(MAX_CLOCK_SKEW) <= 0,
                    "maxClockSkew must be between 0 and %s, got %s", MAX_CLOCK_SKEW, maxClockSkew);
            this.maxClockSkew = maxClockSkew;
            return this;
        }

        public Builder noisePx(double noisePx) {
            check(noisePx >= 0 && noisePx <= MAX_NOISE_PX,
                    "noisePx must be between 0 and %s pixels, got %s", MAX_NOISE_PX, noisePx);
            this.noisePx = noisePx;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder imageSize(int width, int height) {
            check(width >= MIN_IMAGE_SIDE && width <= MAX_IMAGE_SIDE
                            && height >= MIN_IMAGE_SIDE && height <= MAX_IMAGE_SIDE,
                    "imageSize must be between %d and %d pixels on each side, got %dx%d",
                    MIN_IMAGE_SIDE, MAX_IMAGE_SIDE, width, height);
            this.imageWidth = width;
            this.imageHeight = height;
            return this;
        }

        public Builder horizontalFovDeg(double horizontalFovDeg) {
            check(horizontalFovDeg >= 20 && horizontalFovDeg <= 150,
                    "horizontalFovDeg must be between 20 and 150 degrees, got %s", horizontalFovDeg);
            this.horizontalFovDeg = horizontalFovDeg;
            return this;
        }

        public Builder drainTimeout(Duration drainTimeout) {
            check(drainTimeout != null && !drainTimeout.isNegative(),
                    "drainTimeout must be zero or positive, got %s", drainTimeout);
            this.drainTimeout = drainTimeout;
            return this;
        }

        public Builder statusInterval(Duration statusInterval) {
            check(statusInterval != null && statusInterval.toMillis() >= 10,
                    "statusInterval must be at least 10 ms, got %s", statusInterval);
            this.statusInterval = statusInterval;
            return this;
        }

        /** Where the live status line goes; null (the default) keeps the run quiet. */
        public Builder statusOut(PrintStream statusOut) {
            this.statusOut = statusOut;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            check(connectTimeout != null && connectTimeout.toMillis() >= 1,
                    "connectTimeout must be at least 1 ms, got %s", connectTimeout);
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** An extra producer and consumer property; it wins over the client's own settings. */
        public Builder kafkaProperty(String key, String value) {
            check(key != null && !key.isBlank(), "kafkaProperties keys must not be blank");
            check(value != null, "kafkaProperties value of '%s' must not be null", key);
            check(!RESERVED_KAFKA_KEYS.contains(key),
                    "kafkaProperties must not set '%s': the client sends and reads raw Protobuf"
                            + " bytes", key);
            kafkaProperties.put(key, value);
            return this;
        }

        public Builder kafkaProperties(Map<String, String> properties) {
            check(properties != null, "kafkaProperties must not be null");
            properties.forEach(this::kafkaProperty);
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
            check(runId == null || RUN_ID.matcher(runId).matches(),
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
            check(sendMode != null, "sendMode must be LANDMARKS or JPEG, got null");
            this.sendMode = sendMode;
            return this;
        }

        public Builder jpegQuality(int jpegQuality) {
            check(jpegQuality >= 1 && jpegQuality <= 100,
                    "jpegQuality must be between 1 and 100, got %d", jpegQuality);
            this.jpegQuality = jpegQuality;
            return this;
        }

        /**
         * The photo JPEG frames show (any format ImageIO reads; a face that fills a fair part of
         * it, or the job's short-range detector finds none); null for the bundled one.
         */
        public Builder image(Path image) {
            check(image == null || Files.isRegularFile(image),
                    "image '%s' does not exist or is not a file: name a photo with a face, or leave"
                            + " it out for the bundled one", image);
            this.image = image;
            return this;
        }

        /** Where the job writes annotated frames; same {@value #SESSION_PLACEHOLDER} rule. */
        public Builder annotatedTopicPattern(String pattern) {
            check(pattern != null, "annotatedTopicPattern must not be null");
            this.annotatedTopicPattern = pattern;
            return this;
        }

        public SyntheticConfig build() {
            check(bootstrapServers != null,
                    "bootstrapServers is required: set it to the Kafka brokers, e.g. localhost:9092");
            check(image == null || sendMode == SendMode.JPEG,
                    "image is set but sendMode is %s: the photo is sent only as JPEG frames", sendMode);
            String sampleCoordinates = coordinatesTopicPattern.replace(SESSION_PLACEHOLDER, "s");
            check(!framesTopic.equals(sampleCoordinates) && !framesTopic.equals(droppedTopic),
                    "framesTopic '%s' must differ from the coordinates and dropped topics: the"
                            + " client would read its own frames as answers", framesTopic);
            check(!sampleCoordinates.equals(droppedTopic),
                    "droppedTopic '%s' must differ from coordinatesTopicPattern: the client tells"
                            + " responses from drops by topic", droppedTopic);
            HeadMotion.checkFits(
                    PinholeCamera.withHorizontalFov(imageWidth, imageHeight, horizontalFovDeg));
            SyntheticConfig config = new SyntheticConfig(this);
            // the link checks the annotated topic against the others
            config.kafkaLink();
            return config;
        }

        private static String topic(String field, String name) {
            check(name != null, "%s must not be null", field);
            String problem = TopicNames.problem(name);
            check(problem == null, "%s '%s' is not a valid topic name: %s", field, name, problem);
            return name;
        }

        private static void check(boolean ok, String format, Object... args) {
            if (!ok) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, format, args));
            }
        }
    }
}
