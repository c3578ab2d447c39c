package io.driftless.gateway.testutils;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A video Chromium plays as its camera ({@code --use-file-for-fake-video-capture}): a Y4M file
 * (raw YUV 4:2:0, BT.601 full range) of one picture repeated, so that every frame the page
 * captures has its face where the test knows it is.
 */
public final class FakeCamera {

    private FakeCamera() {}

    /** Writes {@code frames} frames of {@code jpeg} at {@code fps} to {@code file}. */
    public static Path write(Path file, byte[] jpeg, int frames, int fps) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        int width = image.getWidth();
        int height = image.getHeight();
        byte[] y = new byte[width * height];
        byte[] u = new byte[(width / 2) * (height / 2)];
        byte[] v = new byte[u.length];
        for (int row = 0; row < height; row++) {
            for (int col = 0; col < width; col++) {
                int rgb = image.getRGB(col, row);
                y[row * width + col] = (byte) clamp(0.299 * r(rgb) + 0.587 * g(rgb) + 0.114 * b(rgb));
            }
        }
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
                u[row * (width / 2) + col] = (byte) clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
                v[row * (width / 2) + col] = (byte) clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
            }
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(("YUV4MPEG2 W" + width + " H" + height + " F" + fps + ":1 Ip A1:1 C420jpeg\n")
                    .getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < frames; i++) {
                out.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
                out.write(y);
                out.write(u);
                out.write(v);
            }
        }
        return file;
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
