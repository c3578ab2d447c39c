package io.driftless.job.parse;

import io.driftless.inference.image.JpegLimits;
import java.io.Serializable;

/**
 * Caps on what a client may send, checked before anything is allocated in proportion to what
 * the client claims: a record larger than {@link #maxFrameBytes} is refused before it is parsed,
 * so parsing never allocates more than that; an image side above {@link #maxImageSide} is
 * refused before any buffer for the image exists.
 */
public record InputLimits(int maxFrameBytes, int maxImageSide) implements Serializable {

    /** Room for a 1080p JPEG at high quality. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 2 * 1024 * 1024;
    public static final int DEFAULT_MAX_IMAGE_SIDE = 4096;
    /** Beyond this no camera sends a frame, and side x side pixels would overflow an int. */
    public static final int LARGEST_IMAGE_SIDE = 16_384;

    public static final InputLimits DEFAULTS = new InputLimits(DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_IMAGE_SIDE);

    /**
     * What a client's JPEG may be: no more bytes than a frame, no side over {@link #maxImageSide},
     * and no more pixels than a 4096 x 2160 frame (or a square of {@link #maxImageSide}, if
     * smaller), which bounds what decoding it allocates.
     */
    public JpegLimits jpegLimits() {
        long maxPixels = Math.min((long) maxImageSide * maxImageSide, JpegLimits.DEFAULTS.maxPixels());
        return new JpegLimits(maxFrameBytes, maxImageSide, maxPixels);
    }

    public InputLimits {
        if (maxFrameBytes < 1024) {
            throw new IllegalArgumentException("maxFrameBytes must be at least 1024, got " + maxFrameBytes);
        }
        if (maxImageSide < 1 || maxImageSide > LARGEST_IMAGE_SIDE) {
            throw new IllegalArgumentException("maxImageSide must be within 1.." + LARGEST_IMAGE_SIDE
                    + ", got " + maxImageSide);
        }
    }
}
