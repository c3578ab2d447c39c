package io.driftless.source;

import io.driftless.cli.DurationConverter;
import io.driftless.source.internal.StopOnInterrupt;
import io.driftless.source.video.VideoConfig;
import io.driftless.source.video.VideoRun;
import io.driftless.source.video.VideoSource;
import io.driftless.source.video.VideoSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * What {@code video}, {@code webcam} and {@code rtsp} share: a real camera's frames sent as
 * landmarks or JPEGs, the answers read, an optional rendered video, and the summary.
 */
abstract class CameraCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    private FrameSourceCli parent;

    @Option(names = "--send", paramLabel = "MODE", defaultValue = "landmarks",
            converter = SendModeConverter.class,
            description = "landmarks: find the face on the client and send its six keypoints"
                    + " (frames without a face are not sent); jpeg: send the frame as a JPEG"
                    + " (default: ${DEFAULT-VALUE}).")
    private SendMode send;

    @Option(names = "--jpeg-width", paramLabel = "W",
            defaultValue = "" + VideoConfig.DEFAULT_JPEG_WIDTH,
            description = "With --send jpeg: the width frames are resized to, keeping the aspect"
                    + " ratio (default: ${DEFAULT-VALUE}).")
    private int jpegWidth;

    @Option(names = "--session", paramLabel = "ID",
            description = "The session id of every frame (default: a fresh id per run).")
    private String session;

    @Option(names = "--fps", paramLabel = "N", defaultValue = "0",
            description = "Frames per second to send (default: the source's own rate).")
    private double fps;

    @Mixin
    private FrameOptions frame;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to send, e.g. 40s, 2m (default: until the source ends or"
                    + " Ctrl-C).")
    private Duration duration;

    @Option(names = "--render", paramLabel = "OUT.mp4",
            description = "Write the video with the returned AR overlay drawn on each frame"
                    + " whose answer came before its deadline, and nothing on the others.")
    private Path render;

    @Option(names = "--fov-deg", paramLabel = "DEGREES", defaultValue = "0",
            description = "The camera's horizontal field of view, sent as a focal length with"
                    + " landmarks (default: unknown; the job assumes 60).")
    private double fovDeg;

    @Option(names = "--ffmpeg", paramLabel = "KEY=VALUE",
            description = "Extra FFmpeg input option, e.g. rtsp_transport=tcp or"
                    + " video_size=1280x720; repeatable.")
    private Map<String, String> ffmpeg = new LinkedHashMap<>();

    @Mixin
    private KafkaOptions kafka;

    @Mixin
    private ReportOptions report;

    /** The source this command reads. */
    abstract VideoSource source();

    /** Network sources: how long a stalled read may last; others take the default. */
    Duration ioTimeout() {
        return VideoConfig.DEFAULT_IO_TIMEOUT;
    }

    @Override
    public Integer call() throws IOException {
        VideoConfig config = config();
        PrintStream out = parent.out();
        // Ctrl-C stops the run, which then drains its answers and prints its summary
        try (VideoRun run = new VideoRun(config);
                StopOnInterrupt interrupt = StopOnInterrupt.install(run::stop, config.link(),
                        config.report())) {
            VideoSummary summary = run.run();
            report.print(summary.toTable(), summary.toJson(), out);
            config.render().ifPresent(file -> out.println("video written to " + file));
            return 0;
        }
    }

    private VideoConfig config() {
        try {
            return VideoConfig.builder(kafka.link(send), source())
                    .frames(frame.settings(send))
                    .jpegWidth(jpegWidth)
                    .sessionId(session)
                    .fps(fps)
                    .duration(duration)
                    .render(render)
                    .horizontalFovDeg(fovDeg)
                    .ffmpegOptions(ffmpeg)
                    .ioTimeout(ioTimeout())
                    .report(report.settings(parent.out()))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** Reads {@code landmarks} or {@code jpeg}, in any case. */
    static final class SendModeConverter implements ITypeConverter<SendMode> {
        @Override
        public SendMode convert(String text) {
            try {
                return SendMode.valueOf(text.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + text
                        + "' is not a send mode: use landmarks or jpeg");
            }
        }
    }
}
