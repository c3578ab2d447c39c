package io.driftless.source;

import static io.driftless.source.SettingCheck.require;


/**
 * What every frame of a run carries besides its payload and stamps, for a run of any kind: what
 * it sends, the budget it carries, and the quality of JPEG frames. The constructor rejects bad
 * values with a message naming the field.
 *
 * <pre>{@code
 * FrameSettings frames = FrameSettings.DEFAULT
 *         .withSendMode(SendMode.JPEG)
 *         .withJpegQuality(90);
 * }</pre>
 *
 * @param sendMode six face keypoints (landmarks, answered with coordinates) or the camera image
 *     as a JPEG (answered with an annotated frame, plus coordinates when a face is found)
 * @param deadlineMs the capture-to-render budget each frame carries, and the one the client
 *     measures its on-time ratio against
 * @param jpegQuality the quality of the JPEG frames sent with {@link SendMode#JPEG}, 1 to 100
 * @param imageModel which of the job's image models answers the JPEG frames, by name; empty for
 *     the job's first
 */
public record FrameSettings(SendMode sendMode, int deadlineMs, int jpegQuality, String imageModel) {

    public static final int DEFAULT_DEADLINE_MS = 33;
    public static final int MAX_DEADLINE_MS = 60_000;
    public static final int DEFAULT_JPEG_QUALITY = 80;
    /** Landmark frames with a 33 ms budget. */
    public static final FrameSettings DEFAULT =
            new FrameSettings(SendMode.LANDMARKS, DEFAULT_DEADLINE_MS, DEFAULT_JPEG_QUALITY, "");

    public FrameSettings {
        require(sendMode != null, "sendMode must be LANDMARKS or JPEG, got null");
        require(deadlineMs >= 1 && deadlineMs <= MAX_DEADLINE_MS,
                "deadlineMs must be between 1 and %,d, got %d (0, the job's default, is not"
                        + " allowed: the client measures on-time ratios against this budget)",
                MAX_DEADLINE_MS, deadlineMs);
        require(jpegQuality >= 1 && jpegQuality <= 100,
                "jpegQuality must be between 1 and 100, got %d", jpegQuality);
        require(imageModel != null && imageModel.length() <= 128 && imageModel.chars().allMatch(c -> c >= 0x20 && c < 0x7F),
                "imageModel must be up to 128 printable ASCII characters, got '%s'", imageModel);
    }

    public FrameSettings withSendMode(SendMode sendMode) {
        return new FrameSettings(sendMode, deadlineMs, jpegQuality, imageModel);
    }

    public FrameSettings withDeadlineMs(int deadlineMs) {
        return new FrameSettings(sendMode, deadlineMs, jpegQuality, imageModel);
    }

    public FrameSettings withJpegQuality(int jpegQuality) {
        return new FrameSettings(sendMode, deadlineMs, jpegQuality, imageModel);
    }

    public FrameSettings withImageModel(String imageModel) {
        return new FrameSettings(sendMode, deadlineMs, jpegQuality, imageModel);
    }
}
