package io.driftless.inference.face;

/**
 * An 8-bit RGB picture that a model reads and an annotator draws on, wherever its pixels are
 * kept: an {@link RgbImage} on the Java heap, or a decoded JPEG frame in the codec's own memory,
 * which the JPEG path reads and draws on without copying the frame out and back.
 */
public interface RgbPixels {

    int width();

    int height();

    /** The pixel at ({@code x}, {@code y}) as {@code 0xRRGGBB}; both within the picture. */
    int pixel(int x, int y);

    /**
     * Paints {@code rgb} ({@code 0xRRGGBB}) from ({@code left}, {@code top}) to ({@code right},
     * {@code bottom}), both inclusive and within the picture.
     */
    void fill(int left, int top, int right, int bottom, int rgb);
}
