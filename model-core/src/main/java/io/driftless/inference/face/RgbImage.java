package io.driftless.inference.face;

import java.util.Objects;

/**
 * A decoded image: 8-bit RGB, interleaved, rows top to bottom, no padding between rows. This is
 * what any JPEG or video decoder can hand over without knowing about the model.
 *
 * @param rgb {@code width * height * 3} bytes: R, G, B of the top-left pixel first
 */
public record RgbImage(int width, int height, byte[] rgb) implements RgbPixels {

    /** The largest side accepted, so a forged size cannot make the letterbox loop for ever. */
    public static final int MAX_SIDE = 16_384;

    public RgbImage {
        if (width <= 0 || height <= 0 || width > MAX_SIDE || height > MAX_SIDE) {
            throw new IllegalArgumentException("image size must be 1 to " + MAX_SIDE + " pixels per side, got "
                    + width + "x" + height);
        }
        Objects.requireNonNull(rgb, "rgb");
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("a " + width + "x" + height + " RGB image needs "
                    + width * height * 3 + " bytes, got " + rgb.length);
        }
    }

    /** From packed {@code 0xRRGGBB} ints (the alpha byte is ignored), as {@code BufferedImage.getRGB} gives them. */
    public static RgbImage fromPackedRgb(int width, int height, int[] pixels) {
        Objects.requireNonNull(pixels, "pixels");
        if ((long) width * height != pixels.length || width <= 0 || height <= 0) {
            throw new IllegalArgumentException("a " + width + "x" + height + " image needs "
                    + (long) width * height + " pixels, got " + pixels.length);
        }
        byte[] rgb = new byte[pixels.length * 3];
        for (int i = 0; i < pixels.length; i++) {
            int p = pixels[i];
            rgb[3 * i] = (byte) (p >>> 16);
            rgb[3 * i + 1] = (byte) (p >>> 8);
            rgb[3 * i + 2] = (byte) p;
        }
        return new RgbImage(width, height, rgb);
    }

    @Override
    public int pixel(int x, int y) {
        int at = 3 * (y * width + x);
        return (rgb[at] & 0xFF) << 16 | (rgb[at + 1] & 0xFF) << 8 | rgb[at + 2] & 0xFF;
    }

    @Override
    public void fill(int left, int top, int right, int bottom, int colour) {
        byte r = (byte) (colour >>> 16);
        byte g = (byte) (colour >>> 8);
        byte b = (byte) colour;
        for (int y = top; y <= bottom; y++) {
            int at = 3 * (y * width + left);
            for (int x = left; x <= right; x++) {
                rgb[at++] = r;
                rgb[at++] = g;
                rgb[at++] = b;
            }
        }
    }
}
