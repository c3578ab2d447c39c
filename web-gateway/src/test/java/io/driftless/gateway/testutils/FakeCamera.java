package io.driftless.gateway.testutils;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A video Chromium plays as its camera ({@code --use-file-for-fake-video-capture}, which loops
 * it): a Y4M file (raw YUV 4:2:0, BT.601 full range) of the test's pictures in order, so that the
 * face moves where the test put it, frame by frame.
 */
public final class FakeCamera {

    private FakeCamera() {}

    /** Writes {@code pictures} (JPEGs of one size), one frame each, at {@code fps} to {@code file}. */
    public static Path write(Path file, List<byte[]> pictures, int fps) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < pictures.size(); i++) {
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(pictures.get(i)));
                if (i == 0) {
                    out.write(("YUV4MPEG2 W" + image.getWidth() + " H" + image.getHeight() + " F" + fps
                            + ":1 Ip A1:1 C420jpeg\n").getBytes(StandardCharsets.US_ASCII));
                }
                out.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
                out.write(yuv420(image));
            }
        }
        return file;
    }

    private static byte[] yuv420(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int chroma = (width / 2) * (height / 2);
        byte[] yuv = new byte[width * height + 2 * chroma];
        for (int row = 0; row < height; row++) {
            for (int col = 0; col < width; col++) {
                int rgb = image.getRGB(col, row);
                yuv[row * width + col] = (byte) clamp(0.299 * r(rgb) + 0.587 * g(rgb) + 0.114 * b(rgb));
            }
        }
        int u = width * height;
        int v = u + chroma;
        for (int row = 0; row < height / 2; row++) {
            for (int col = 0; col < width / 2; col++) {
                double r = 0;
                double g = 0;
                double b = 0;
                for (int dy = 0; dy < 2; dy++) {
                    for (int dx = 0; dx < 2; dx++) {
                        int rgb = image.getRGB(2 * col + dx, 2 * row + dy);
                        r += r(rgb) / 4.0;
                        g += g(rgb) / 4.0;
                        b += b(rgb) / 4.0;
                    }
                }
                int at = row * (width / 2) + col;
                yuv[u + at] = (byte) clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
                yuv[v + at] = (byte) clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
            }
        }
        return yuv;
    }

    private static int r(int rgb) {
        return (rgb >> 16) & 0xFF;
    }

    private static int g(int rgb) {
        return (rgb >> 8) & 0xFF;
    }

    private static int b(int rgb) {
        return rgb & 0xFF;
    }

    private static int clamp(double value) {
        return (int) Math.max(0, Math.min(255, Math.round(value)));
    }
}
