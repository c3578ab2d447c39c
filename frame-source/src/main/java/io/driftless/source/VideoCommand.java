package io.driftless.source;

import io.driftless.source.video.VideoSource;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code frame-source video FILE}: a video file played in real time, looping by default. */
@Command(
        name = "video",
        mixinStandardHelpOptions = true,
        versionProvider = FrameSourceCli.Version.class,
        sortOptions = false,
        description = {
            "Plays a video file (any format FFmpeg reads) in real time as one camera user: sends"
                    + " each frame's face keypoints or the frame as a JPEG, reads the job's"
                    + " answers, and reports round trips, on-time ratio and drops by reason.",
            "Exit codes: 0 done, 1 Kafka or run failure, 2 bad arguments, 4 the file cannot be"
                    + " read."
        })
final class VideoCommand extends CameraCommand {

    @Parameters(index = "0", paramLabel = "FILE", description = "The video file.")
    private Path file;

    @Option(names = "--no-loop", description = "Stop at the end of the file instead of starting"
            + " over.")
    private boolean noLoop;

    @Override
    VideoSource source() {
        return VideoSource.file(file, !noLoop);
    }
}
