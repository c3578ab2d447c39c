package io.driftless.inference.vision;

import io.driftless.inference.face.RgbPixels;
import java.nio.FloatBuffer;

/**
 * How one frame sits in a model's input, and the way back: model pixel {@code x} is frame pixel
 * {@code (x - padX) / scaleX}. Writes the frame into an input tensor with bilinear sampling at
 * pixel centres, clamped at the frame's edges.
 *
 * @param scaleX model pixels per frame pixel, across
 * @param scaleY model pixels per frame pixel, down
 * @param padX model pixels of border left of the frame
 * @param padY model pixels of border above the frame
 */
public record ImageFit(ImageInput input, int frameWidth, int frameHeight, double scaleX, double scaleY, double padX,
        double padY) {

    /** How a {@code frameWidth x frameHeight} frame fits {@code input}. */
    public static ImageFit of(ImageInput input, int frameWidth, int frameHeight) {
        if (input.resize() == ImageInput.Resize.STRETCH) {
            return new ImageFit(input, frameWidth, frameHeight, (double) input.width() / frameWidth,
                    (double) input.height() / frameHeight, 0, 0);
        }
        double scale = Math.min((double) input.width() / frameWidth, (double) input.height() / frameHeight);
        return new ImageFit(input, frameWidth, frameHeight, scale, scale, (input.width() - frameWidth * scale) / 2,
                (input.height() - frameHeight * scale) / 2);
    }

    /** The frame's x of a model x, both in pixels. */
    public double frameX(double modelX) {
        return (modelX - padX) / scaleX;
    }

    /** The frame's y of a model y, both in pixels. */
    public double frameY(double modelY) {
        return (modelY - padY) / scaleY;
    }

    /**
     * Writes {@code image} (which must be {@code frameWidth x frameHeight}) as image {@code index}
     * of a batch tensor in {@code out}, in the input's layout, channel order and normalisation.
     */
    public void write(RgbPixels image, FloatBuffer out, int index) {
        if (image.width() != frameWidth || image.height() != frameHeight) {
            throw new IllegalArgumentException("fit is for " + frameWidth + "x" + frameHeight + ", image is "
                    + image.width() + "x" + image.height());
        }
        int w = input.width();
        int h = input.height();
        int plane = w * h;
        int base = index * input.floatsPerImage();
        boolean nchw = input.layout() == ImageInput.TensorLayout.NCHW;
        // per model channel: the shift of its byte in a 0xRRGGBB pixel, and its normalisation as a * p + b
        int[] source = input.channels() == ImageInput.ChannelOrder.RGB ? new int[] {16, 8, 0} : new int[] {0, 8, 16};
        float[] mean = input.mean();
        float[] std = input.std();
        float[] a = new float[3];
        float[] b = new float[3];
        float[] pad = new float[3];
        for (int c = 0; c < 3; c++) {
            a[c] = 1f / (255f * std[c]);
            b[c] = -mean[c] / std[c];
            pad[c] = input.padValue() * a[c] + b[c];
        }
        int iw = image.width();
        int ih = image.height();
        // per model column: the left source column and the weight of the right one (-1: border)
        int[] x0 = new int[w];
        float[] fx = new float[w];
        for (int x = 0; x < w; x++) {
            double centre = x + 0.5;
            if (centre < padX || centre > w - padX) {
                x0[x] = -1;
                continue;
            }
            double sx = Math.min(Math.max((centre - padX) / scaleX - 0.5, 0), iw - 1);
            x0[x] = Math.min((int) sx, iw - 1);
            fx[x] = (float) (sx - x0[x]);
        }
        for (int y = 0; y < h; y++) {
            double centre = y + 0.5;
            boolean rowInside = centre >= padY && centre <= h - padY;
            double sy = Math.min(Math.max((centre - padY) / scaleY - 0.5, 0), ih - 1);
            int y0 = Math.min((int) sy, ih - 1);
            int y1 = Math.min(y0 + 1, ih - 1);
            float fy = (float) (sy - y0);
            for (int x = 0; x < w; x++) {
                int at = y * w + x;
                if (!rowInside || x0[x] < 0) {
                    for (int c = 0; c < 3; c++) {
                        out.put(nchw ? base + c * plane + at : base + at * 3 + c, pad[c]);
                    }
                    continue;
                }
                int xa = x0[x];
                int xb = Math.min(xa + 1, iw - 1);
                float wx = fx[x];
                int p00 = image.pixel(xa, y0);
                int p01 = image.pixel(xb, y0);
                int p10 = image.pixel(xa, y1);
                int p11 = image.pixel(xb, y1);
                for (int c = 0; c < 3; c++) {
                    int s = source[c];
                    float top = (p00 >>> s & 0xFF) * (1 - wx) + (p01 >>> s & 0xFF) * wx;
                    float bottom = (p10 >>> s & 0xFF) * (1 - wx) + (p11 >>> s & 0xFF) * wx;
                    float value = (top * (1 - fy) + bottom * fy) * a[c] + b[c];
                    out.put(nchw ? base + c * plane + at : base + at * 3 + c, value);
                }
            }
        }
    }
}
