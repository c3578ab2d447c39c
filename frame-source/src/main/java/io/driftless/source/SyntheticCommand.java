package io.driftless.source;

import io.driftless.cli.DurationConverter;
import io.driftless.source.internal.StopOnInterrupt;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
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
                    + " on-time ratio, drops by reason, pose error against the truth, and drift:"
                    + " how far the AR anchors are drawn from where the face is on each frame"
                    + " shown, with and without carrying answers forward to that frame.",
            "With --send jpeg each user instead sends the camera image: a photo (--image, or the"
                    + " bundled portrait) at a framing of its own, as a JPEG of --image-size,"
                    + " answered by the job with annotated frames. The frames are encoded before"
                    + " sending starts.",
            "Ctrl-C stops sending; the run still drains and prints its summary."
        })
final class SyntheticCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @ParentCommand
    private FrameSourceCli parent;

    @Mixin
    private KafkaOptions kafka;

    @Mixin
    private ReportOptions report;

    @Option(names = "--users", paramLabel = "N", defaultValue = "" + SyntheticConfig.DEFAULT_USERS,
            description = "Simulated users, one session each (default: ${DEFAULT-VALUE}).")
    private int users;

    @Option(names = "--fps", paramLabel = "N", defaultValue = "" + SyntheticConfig.DEFAULT_FPS,
            description = "Frames per second per user (default: ${DEFAULT-VALUE}).")
    private int fps;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to send, e.g. 40s, 2m, 500ms, PT1M (default: until Ctrl-C).")
    private Duration duration;

    @Mixin
    private FrameOptions frame;

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

    @Option(names = "--motion", paramLabel = "PROFILE", defaultValue = "normal",
            converter = MotionConverter.class,
            description = "How fast the heads turn: calm (at most 20 deg/s), normal (60), brisk"
                    + " (120), fast (160, above 120 within seconds) or shake (normal plus a 3 Hz head shake,"
                    + " 248) (default: ${DEFAULT-VALUE}).")
    private MotionProfile motion;

    @Option(names = "--display-delay", paramLabel = "DURATION",
            converter = DurationConverter.class, defaultValue = "0ms",
            description = "How long after its capture a frame is on the screen; drift is measured"
                    + " on each frame shown then, with the answers in by then"
                    + " (default: ${DEFAULT-VALUE}).")
    private Duration displayDelay;

    @Option(names = "--image-size", paramLabel = "WxH", converter = ImageSizeConverter.class,
            defaultValue = SyntheticConfig.DEFAULT_IMAGE_WIDTH + "x"
                    + SyntheticConfig.DEFAULT_IMAGE_HEIGHT,
            description = "The simulated camera's image size, and the JPEG frames' with --send"
                    + " jpeg (default: ${DEFAULT-VALUE}).")
    private ImageSize imageSize;

    @Option(names = "--fov-deg", paramLabel = "DEGREES",
            defaultValue = "" + SyntheticConfig.DEFAULT_HORIZONTAL_FOV_DEG,
            description = "The simulated camera's horizontal field of view; its focal length goes"
                    + " into every frame (default: ${DEFAULT-VALUE}).")
    private double fovDeg;

    @Option(names = "--send", paramLabel = "MODE", defaultValue = "landmarks",
            converter = CameraCommand.SendModeConverter.class,
            description = "landmarks: six face keypoints per frame; jpeg: the camera image as a"
                    + " JPEG (default: ${DEFAULT-VALUE}).")
    private SendMode send;

    @Option(names = "--image", paramLabel = "FILE",
            description = "With --send jpeg: the photo every user's camera sees (JPEG or PNG, a"
                    + " face filling a fair part of it; default: a bundled portrait).")
    private Path image;

    @Option(names = "--run-id", paramLabel = "ID",
            description = "Prefix of the session ids (default: a fresh id per run, so runs sharing"
                    + " topics never mix).")
    private String runId;

    @Option(names = "--sent-log", paramLabel = "FILE",
            description = "Also log every frame sent (session, sequence) to this file, for"
                    + " 'frame-source account'.")
    private Path sentLog;

    @Override
    public Integer call() throws IOException, InterruptedException {
        SyntheticConfig config = config();
        PrintStream out = parent.out();
        // Ctrl-C stops the run, which then drains its answers and prints its summary
        try (SyntheticRun run = new SyntheticRun(config);
                StopOnInterrupt interrupt = StopOnInterrupt.install(run::stop, config.kafkaLink(),
                        config.report())) {
            report.print(run.run(), out);
            return 0;
        }
    }

    private SyntheticConfig config() {
        try {
            return SyntheticConfig.builder()
                    .users(users)
                    .fps(fps)
                    .duration(duration)
                    .frames(frame.settings(send))
                    .bootstrapServers(kafka.bootstrapServers)
                    .framesTopic(kafka.framesTopic)
                    .coordinatesTopicPattern(kafka.coordinatesTopicPattern)
                    .droppedTopic(kafka.droppedTopic)
                    .annotatedTopicPattern(kafka.annotatedTopicPattern)
                    .connectTimeout(kafka.connectTimeout)
                    .kafkaProperties(kafka.kafka)
                    .maxClockSkew(clockSkewMax)
                    .noisePx(noisePx)
                    .seed(seed)
                    .motion(motion)
                    .displayDelay(displayDelay)
                    .imageSize(imageSize.width(), imageSize.height())
                    .horizontalFovDeg(fovDeg)
                    .report(report.settings(parent.out()))
                    .runId(runId)
                    .sentLog(sentLog)
                    .image(image)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    record ImageSize(int width, int height) {}

    /** Reads a {@link MotionProfile} by its name, in any case. */
    static final class MotionConverter implements ITypeConverter<MotionProfile> {
        @Override
        public MotionProfile convert(String text) {
            try {
                return MotionProfile.fromCliName(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

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
