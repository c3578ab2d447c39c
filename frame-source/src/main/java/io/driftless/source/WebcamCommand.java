package io.driftless.source;

import io.driftless.source.video.VideoSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code frame-source webcam [DEVICE]}: a V4L2 camera, reconnected when it drops. */
@Command(
        name = "webcam",
        mixinStandardHelpOptions = true,
        versionProvider = FrameSourceCli.Version.class,
        sortOptions = false,
        description = {
            "Streams a V4L2 webcam as one camera user: sends each frame's face keypoints or the"
                    + " frame as a JPEG, reads the job's answers, and reports round trips, on-time"
                    + " ratio and drops by reason. A camera that drops is reconnected, waiting"
                    + " 0.5 s doubling up to 10 s between attempts.",
            "Exit codes: 0 done, 1 Kafka or run failure, 2 bad arguments, 4 the camera cannot be"
                    + " opened."
        })
final class WebcamCommand extends CameraCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "DEVICE",
            defaultValue = VideoSource.DEFAULT_WEBCAM,
            description = "The camera's device (default: ${DEFAULT-VALUE}).")
    private String device;

    @Override
    VideoSource source() {
        return VideoSource.webcam(device);
    }
}
