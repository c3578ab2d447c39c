package io.driftless.source;

import picocli.CommandLine.Option;

/**
 * What every sending subcommand puts into its frames besides the payload's kind: the budget each
 * carries, and the quality and model of JPEG frames.
 */
final class FrameOptions {

    @Option(names = "--deadline-ms", paramLabel = "MS",
            defaultValue = "" + FrameSettings.DEFAULT_DEADLINE_MS,
            description = "Capture-to-render budget sent in each frame (default: ${DEFAULT-VALUE}).")
    private int deadlineMs;

    @Option(names = "--jpeg-quality", paramLabel = "Q",
            defaultValue = "" + FrameSettings.DEFAULT_JPEG_QUALITY,
            description = "With --send jpeg: JPEG quality, 1 to 100 (default: ${DEFAULT-VALUE}).")
    private int jpegQuality;

    @Option(names = "--image-model", paramLabel = "NAME", defaultValue = "",
            description = "With --send jpeg: which of the job's image models answers the frames, by the name"
                    + " its descriptor gives (default: the job's first).")
    private String imageModel;

    /** These options for frames of {@code sendMode}; a bad value throws with a message naming it. */
    FrameSettings settings(SendMode sendMode) {
        return new FrameSettings(sendMode, deadlineMs, jpegQuality, imageModel);
    }
}
