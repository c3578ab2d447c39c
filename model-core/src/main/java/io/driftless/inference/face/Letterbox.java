package io.driftless.inference.face;

import java.nio.FloatBuffer;

/**
 * Fits an image into the model's square input keeping its aspect ratio, centred, the rest padded
 * black (MediaPipe's {@code keep_aspect_ratio} with a zero border), and maps model coordinates
 * back to the image's pixels.
 *
 * @param scale model pixels per image pixel
 * @param padX model pixels of padding left (and right) of the image
 * @param padY model pixels of padding above (and below) the image
 */
record Letterbox(int size, int imageWidth, int imageHeight, double scale, double padX, double padY) {

    static Letterbox fit(int imageWidth, int imageHeight, int size) {
        double scale = (double) size / Math.max(imageWidth, imageHeight);
        return new Letterbox(size, imageWidth, imageHeight, scale,
                (size - imageWidth * scale) / 2, (size - imageHeight * scale) / 2);
    }

    /** The image's x in pixels of a model x normalised to [0, 1]. */
    double imageX(double modelX) {
        return (modelX * size - padX) / scale;
    }

    /** The image's y in pixels of a model y normalised to [0, 1]. */
    double imageY(double modelY) {
        return (modelY * size - padY) / scale;
    }

    /**
     * Writes the letterboxed image as {@code size * size * 3} floats (HWC, RGB) scaled from [0, 255]
     * to [-1, 1], as the face detector was trained; the border is black (-1). Bilinear sampling at
     * pixel centres, clamped at the image's edges.
     */
    void write(RgbPixels image, FloatBuffer out) {
        int w = image.width();
        int h = image.height();
        // per model column: the two source columns and the weight of the right one (-1: border)
        int[] x0 = new int[size];
        float[] fx = new float[size];
        for (int x = 0; x < size; x++) {
            double sx = (x + 0.5 - padX) / scale - 0.5;
            if (x + 0.5 < padX || x + 0.5 > size - padX) {
                x0[x] = -1;
                continue;
            }
            double clamped = Math.min(Math.max(sx, 0), w - 1);
            x0[x] = Math.min((int) clamped, w - 1);
            fx[x] = (float) (clamped - x0[x]);
        }
        for (int y = 0; y < size; y++) {
            boolean rowInside = y + 0.5 >= padY && y + 0.5 <= size - padY;
            double sy = Math.min(Math.max((y + 0.5 - padY) / scale - 0.5, 0), h - 1);
            int y0 = Math.min((int) sy, h - 1);
            int y1 = Math.min(y0 + 1, h - 1);
            float fy = (float) (sy - y0);
            for (int x = 0; x < size; x++) {
                if (!rowInside || x0[x] < 0) {
                    out.put(-1f).put(-1f).put(-1f);
                    continue;
                }
                int xa = x0[x];
                int xb = Math.min(xa + 1, w - 1);
                float wx = fx[x];
                int p00 = image.pixel(xa, y0);
                int p01 = image.pixel(xb, y0);
                int p10 = image.pixel(xa, y1);
                int p11 = image.pixel(xb, y1);
                for (int shift = 16; shift >= 0; shift -= 8) {
                    float top = (p00 >>> shift & 0xFF) * (1 - wx) + (p01 >>> shift & 0xFF) * wx;
                    float bottom = (p10 >>> shift & 0xFF) * (1 - wx) + (p11 >>> shift & 0xFF) * wx;
                    out.put((top * (1 - fy) + bottom * fy) / 127.5f - 1f);
                }
            }
        }
    }
}
