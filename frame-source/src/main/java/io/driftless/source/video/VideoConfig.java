package io.driftless.source.video;

import static io.driftless.source.SettingCheck.require;

import io.driftless.source.SendMode;
import io.driftless.source.FrameSettings;
import io.driftless.source.KafkaLink;
import io.driftless.source.ReportSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a {@link VideoRun} reads, sends and writes. Immutable; build one with {@link #builder},
 * whose setters reject bad values at once with a message naming the field.
 *
 * <pre>{@code
 * VideoConfig config = VideoConfig.builder(link, VideoSource.file(Path.of("clip.mp4"), true))
 *         .frames(FrameSettings.DEFAULT.withDeadlineMs(50))
 *         .duration(Duration.ofSeconds(20))
 *         .render(Path.of("out.mp4"))
 *         .build();
 * }</pre>
 */
public final class VideoConfig {

    public static final int DEFAULT_JPEG_WIDTH = 640;
    public static final int MIN_JPEG_WIDTH = 32;
    public static final int MAX_JPEG_WIDTH = 4_096;
    public static final double MAX_FPS = 240;
    public static final Duration DEFAULT_IO_TIMEOUT = Duration.ofSeconds(5);
    /** A session id travels as a Kafka key and may become part of a topic name. */
    private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final KafkaLink link;
    private final VideoSource source;
    private final FrameSettings frames;
    private final double fps;
    private final Duration duration;
    private final String sessionId;
    private final int jpegWidth;
    private final double horizontalFovDeg;
    private final Path render;
    private final ReportSettings report;
    private final Duration ioTimeout;
    private final Duration reconnectInitial;
    private final Duration reconnectMax;
    private final Map<String, String> ffmpegOptions;

    private VideoConfig(Builder b) {
        this.link = b.link;
        this.source = b.source;
        this.frames = b.frames;
        this.fps = b.fps;
        this.duration = b.duration;
        this.sessionId = b.sessionId;
        this.jpegWidth = b.jpegWidth;
        this.horizontalFovDeg = b.horizontalFovDeg;
        this.render = b.render;
        this.report = b.report;
        this.ioTimeout = b.ioTimeout;
        this.reconnectInitial = b.reconnectInitial;
        this.reconnectMax = b.reconnectMax;
        this.ffmpegOptions = Map.copyOf(b.ffmpegOptions);
    }

    /**
     * @param link where to send frames and read answers; for {@link SendMode#JPEG} it must name
     *     the annotated-frames topic
     */
    public static Builder builder(KafkaLink link, VideoSource source) {
        return new Builder(link, source);
    }

    public KafkaLink link() {
        return link;
    }

    public VideoSource source() {
        return source;
    }

    /** What the run sends, the budget each frame carries, and the quality of JPEG frames. */
    public FrameSettings frames() {
        return frames;
    }

    /** The rate to send at; 0 means the source's own. */
    public double fps() {
        return fps;
    }

    /** How long to send; empty means until the source ends or {@link VideoRun#stop()}. */
    public Optional<Duration> duration() {
        return Optional.ofNullable(duration);
    }

    /** The session id every frame carries; empty means a fresh one per run. */
    public Optional<String> sessionId() {
        return Optional.ofNullable(sessionId);
    }

    public int jpegWidth() {
        return jpegWidth;
    }

    /** The camera's horizontal field of view in degrees; 0 when unknown. */
    public double horizontalFovDeg() {
        return horizontalFovDeg;
    }

    /** Where to write the video with the returned overlay; empty for none. */
    public Optional<Path> render() {
        return Optional.ofNullable(render);
    }

    /** How long the run waits for answers after its last send, and its live status line. */
    public ReportSettings report() {
        return report;
    }

    public Duration ioTimeout() {
        return ioTimeout;
    }

    public Backoff reconnectBackoff() {
        return new Backoff(reconnectInitial, reconnectMax);
    }

    public Map<String, String> ffmpegOptions() {
        return ffmpegOptions;
    }

    /** Builds a {@link VideoConfig}; every setter checks its argument. */
    public static final class Builder {
        private final KafkaLink link;
        private final VideoSource source;
        private FrameSettings frames = FrameSettings.DEFAULT;
        private double fps;
        private Duration duration;
        private String sessionId;
        private int jpegWidth = DEFAULT_JPEG_WIDTH;
        private double horizontalFovDeg;
        private Path render;
        private ReportSettings report = ReportSettings.DEFAULT;
        private Duration ioTimeout = DEFAULT_IO_TIMEOUT;
        private Duration reconnectInitial = Backoff.DEFAULT_INITIAL;
        private Duration reconnectMax = Backoff.DEFAULT_MAX;
        private final Map<String, String> ffmpegOptions = new LinkedHashMap<>();

        private Builder(KafkaLink link, VideoSource source) {
            this.link = Objects.requireNonNull(link, "link");
            this.source = Objects.requireNonNull(source, "source");
        }

        /** What the run sends, the budget each frame carries, and the quality of JPEG frames. */
        public Builder frames(FrameSettings frames) {
            require(frames != null, "frames must not be null");
            this.frames = frames;
            return this;
        }

        /** The rate to send at; 0 (the default) is the source's own. */
        public Builder fps(double fps) {
            require(fps >= 0 && fps <= MAX_FPS,
                    "fps must be between 0 (the source's own rate) and %s, got %s", MAX_FPS, fps);
            this.fps = fps;
            return this;
        }

        /** How long to send; null means until the source ends or the run is stopped. */
        public Builder duration(Duration duration) {
            require(duration == null || (!duration.isNegative() && !duration.isZero()),
                    "duration must be positive, or null to run until the source ends, got %s",
                    duration);
            this.duration = duration;
            return this;
        }

        /** The session id to send under; null (the default) draws a fresh one. */
        public Builder sessionId(String sessionId) {
            require(sessionId == null || SESSION_ID.matcher(sessionId).matches(),
                    "sessionId must be 1 to 128 characters of [A-Za-z0-9._-] (it is the Kafka key"
                            + " and may name a per-session topic), got '%s'", sessionId);
            this.sessionId = sessionId;
            return this;
        }

        public Builder jpegWidth(int jpegWidth) {
            require(jpegWidth >= MIN_JPEG_WIDTH && jpegWidth <= MAX_JPEG_WIDTH,
                    "jpegWidth must be between %d and %d pixels, got %d", MIN_JPEG_WIDTH,
                    MAX_JPEG_WIDTH, jpegWidth);
            this.jpegWidth = jpegWidth;
            return this;
        }

        /** The camera's horizontal field of view; 0 (the default) sends no focal length. */
        public Builder horizontalFovDeg(double horizontalFovDeg) {
            require(horizontalFovDeg == 0 || (horizontalFovDeg >= 20 && horizontalFovDeg <= 150),
                    "horizontalFovDeg must be 0 (unknown) or between 20 and 150 degrees, got %s",
                    horizontalFovDeg);
            this.horizontalFovDeg = horizontalFovDeg;
            return this;
        }

        /** Where to write the rendered video (MP4); null (the default) for none. */
        public Builder render(Path render) {
            this.render = render;
            return this;
        }

        /** How the run reports; the default is quiet and drains for 3 s. */
        public Builder report(ReportSettings report) {
            require(report != null, "report must not be null");
            this.report = report;
            return this;
        }

        /** How long a network source may stall before it counts as dropped. */
        public Builder ioTimeout(Duration ioTimeout) {
            require(ioTimeout != null && ioTimeout.toMillis() >= 1,
                    "ioTimeout must be at least 1 ms, got %s", ioTimeout);
            this.ioTimeout = ioTimeout;
            return this;
        }

        /** The first wait before reconnecting a dropped live source, and the most it grows to. */
        public Builder reconnectBackoff(Duration initial, Duration max) {
            new Backoff(initial, max); // its constructor holds the rules for the bounds
            this.reconnectInitial = initial;
            this.reconnectMax = max;
            return this;
        }

        /** An FFmpeg demuxer or protocol option, e.g. {@code rtsp_transport=tcp}. */
        public Builder ffmpegOption(String key, String value) {
            require(key != null && !key.isBlank() && value != null,
                    "ffmpegOption needs a key and a value, got '%s'='%s'", key, value);
            ffmpegOptions.put(key, value);
            return this;
        }

        public Builder ffmpegOptions(Map<String, String> options) {
            require(options != null, "ffmpegOptions must not be null");
            options.forEach(this::ffmpegOption);
            return this;
        }

        public VideoConfig build() {
            require(frames.sendMode() != SendMode.JPEG || link.annotatedTopic().isPresent(),
                    "sending JPEG frames needs the annotated-frames topic: set the link's"
                            + " annotatedTopicPattern (--annotated-topic-pattern)");
            return new VideoConfig(this);
        }
    }
}
