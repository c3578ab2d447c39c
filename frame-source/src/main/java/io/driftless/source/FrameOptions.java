package io.driftless.source;

import picocli.CommandLine.Option;

/**
 * What every sending subcommand puts into its frames besides the payload's kind: the budget each
 * carries, and the quality of JPEG frames.
 */
final class FrameOptions {

    @Option(names = "--deadline-ms", paramLabel = "MS",
            defaultValue = "" + SyntheticConfig.DEFAULT_DEADLINE_MS,
            description = "Capture-to-render budget sent in each frame (default: ${DEFAULT-VALUE}).")
    int deadlineMs;

    @Option(names = "--jpeg-quality", paramLabel = "Q",
            defaultValue = "" + SyntheticConfig.DEFAULT_JPEG_QUALITY,
            description = "With --send jpeg: JPEG quality, 1 to 100 (default: ${DEFAULT-VALUE}).")
    int jpegQuality;
}
