package io.driftless.source;

import io.driftless.cli.DurationConverter;
import io.driftless.source.video.VideoConfig;
import io.driftless.source.video.VideoSource;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code frame-source rtsp URL}: an IP camera or any network stream, reconnected when it drops. */
@Command(
        name = "rtsp",
        mixinStandardHelpOptions = true,
        versionProvider = FrameSourceCli.Version.class,
        sortOptions = false,
        description = {
            "Streams an IP camera (rtsp://user:password@host:554/path) or any stream URL FFmpeg"
                    + " opens (http://, rtmp://, udp://, srt://) as one camera user: sends each"
                    + " frame's face keypoints or the frame as a JPEG, reads the job's answers,"
                    + " and reports round trips, on-time ratio and drops by reason. A stream that"
                    + " drops is reconnected, waiting 0.5 s doubling up to 10 s between attempts.",
            "Exit codes: 0 done, 1 Kafka or run failure, 2 bad arguments, 4 the stream cannot be"
                    + " opened."
        })
final class RtspCommand extends CameraCommand {

    @Parameters(index = "0", paramLabel = "URL", description = "The stream's URL.")
    private String url;

    @Option(names = "--io-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "5s",
            description = "How long connecting or a stalled read may take before the stream"
                    + " counts as dropped (default: ${DEFAULT-VALUE}).")
    private Duration ioTimeout = VideoConfig.DEFAULT_IO_TIMEOUT;

    @Override
    VideoSource source() {
        return VideoSource.stream(url);
    }

    @Override
    Duration ioTimeout() {
        return ioTimeout;
    }
}
