package io.driftless.inference.image;

import io.driftless.inference.face.RgbImage;
import java.io.Serializable;

/**
 * The largest JPEG accepted from a client, checked on the header before anything proportional to
 * the image is allocated: decoding one takes at most about 13 bytes a pixel of {@code maxPixels}
 * (see {@link JpegCodec}), some 115 MB at the default 4096 x 2160.
 *
 * @param maxBytes the largest encoded JPEG, in bytes
 * @param maxSide the largest width or height, in pixels
 * @param maxPixels the largest width times height
 */
public record JpegLimits(int maxBytes, int maxSide, long maxPixels) implements Serializable {

    /** Room for a 4K frame at a generous quality; a 640 x 480 camera frame is about 50 KB. */
    public static final JpegLimits DEFAULTS = new JpegLimits(4 << 20, 4096, 4096L * 2160);

    public JpegLimits {
        if (maxBytes < 4) {
            throw new IllegalArgumentException("maxBytes must be at least 4 (a JPEG's start and end markers), got "
                    + maxBytes);
        }
        if (maxSide < 1 || maxSide > RgbImage.MAX_SIDE) {
            throw new IllegalArgumentException("maxSide must be 1 to " + RgbImage.MAX_SIDE + " pixels, got "
                    + maxSide);
        }
        if (maxPixels < 1 || maxPixels > (long) maxSide * maxSide) {
            throw new IllegalArgumentException("maxPixels must be 1 to maxSide squared (" + (long) maxSide * maxSide
                    + "), got " + maxPixels);
        }
    }
}
