package io.driftless.job.testutils;

import io.driftless.inference.MicroClock;
import io.driftless.proto.Frame;
import io.driftless.proto.Image;
import com.google.protobuf.ByteString;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * JPEG frames for the job's tests: the shipped face photo moved and scaled into a 640 x 480
 * frame, each with the box its face must be found in, and broken JPEGs. Made by the JDK's own
 * encoder, so that they do not come from the codec under test.
 */
public final class FaceFrames {

    public static final int WIDTH = 640;
    public static final int HEIGHT = 480;

    /** NASA's public-domain portrait of astronaut Eileen Collins, 512 x 512. */
    private static final String ASTRONAUT = "/faces/astronaut.jpg";
    /** Where the face is in the photo, by hand: left, top, right, bottom. */
    private static final double[] FACE_BOX = {183, 82, 268, 177};

    private static BufferedImage photo;

    private FaceFrames() {}

    /**
     * A 640 x 480 frame holding the photo scaled by {@code scale} with its top left corner at
     * ({@code dx}, {@code dy}), and the face's box in it: left, top, right, bottom.
     */
    public record Shot(byte[] jpeg, double[] faceBox) {}

    public static Shot shot(double scale, double dx, double dy) {
        AffineTransform placement = new AffineTransform();
        placement.translate(dx, dy);
        placement.scale(scale, scale);
        BufferedImage frame = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = frame.createGraphics();
        try {
            g.setColor(new Color(40, 40, 48));
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(astronaut(), placement, null);
        } finally {
            g.dispose();
        }
        Point2D topLeft = placement.transform(new Point2D.Double(FACE_BOX[0], FACE_BOX[1]), null);
        Point2D bottomRight = placement.transform(new Point2D.Double(FACE_BOX[2], FACE_BOX[3]), null);
        return new Shot(jpeg(frame), new double[] {topLeft.getX(), topLeft.getY(), bottomRight.getX(), bottomRight.getY()});
    }

    /** A frame of one flat colour: no face in it. */
    public static byte[] blank() {
        BufferedImage frame = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = frame.createGraphics();
        try {
            g.setColor(new Color(90, 120, 150));
            g.fillRect(0, 0, WIDTH, HEIGHT);
        } finally {
            g.dispose();
        }
        return jpeg(frame);
    }

    /**
     * {@code jpeg} with the middle of its entropy-coded data overwritten by marker bytes: a header
     * that passes every check and a body that does not decode.
     */
    public static byte[] corruptBody(byte[] jpeg) {
        byte[] broken = jpeg.clone();
        int start = startOfScan(broken) + 64;
        Arrays.fill(broken, start, Math.min(broken.length - 2, start + 2_000), (byte) 0xFF);
        return broken;
    }

    /** The first {@code bytes} of {@code jpeg}. */
    public static byte[] truncated(byte[] jpeg, int bytes) {
        return Arrays.copyOf(jpeg, bytes);
    }

    /**
     * A JPEG's start, a frame header declaring {@code width x height} in colour, and its end:
     * what a client sends to make a decoder allocate for a size it never fills.
     */
    public static byte[] headerOnly(int width, int height) {
        int length = 8 + 3 * 3;
        byte[] jpeg = new byte[2 + 2 + length + 2];
        int at = 0;
        jpeg[at++] = (byte) 0xFF;
        jpeg[at++] = (byte) 0xD8;
        jpeg[at++] = (byte) 0xFF;
        jpeg[at++] = (byte) 0xC0;
        jpeg[at++] = (byte) (length >> 8);
        jpeg[at++] = (byte) length;
        jpeg[at++] = 8;
        jpeg[at++] = (byte) (height >> 8);
        jpeg[at++] = (byte) height;
        jpeg[at++] = (byte) (width >> 8);
        jpeg[at++] = (byte) width;
        jpeg[at++] = 3;
        for (int c = 0; c < 3; c++) {
            jpeg[at++] = (byte) (c + 1);
            jpeg[at++] = 0x11;
            jpeg[at++] = 0;
        }
        jpeg[at++] = (byte) 0xFF;
        jpeg[at] = (byte) 0xD9;
        return jpeg;
    }

    /** A frame carrying {@code jpeg}, said to be {@code width x height}, captured now, with a generous budget. */
    public static Frame.Builder frame(String session, long sequence, byte[] jpeg, int width, int height) {
        long now = MicroClock.system().nowMicros();
        return Frame.newBuilder()
                .setSessionId(session)
                .setSequence(sequence)
                .setCaptureTimeUs(now - 2_000)
                .setSendTimeUs(now)
                .setDeadlineMs(1_000)
                .setImage(Image.newBuilder().setJpeg(ByteString.copyFrom(jpeg)).setWidth(width).setHeight(height));
    }

    /** Overlap of two boxes (left, top, right, bottom) over their union. */
    public static double iou(double[] a, double[] b) {
        double w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
        double h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
        double intersection = Math.max(0, w) * Math.max(0, h);
        double union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - intersection;
        return intersection / union;
    }

    private static synchronized BufferedImage astronaut() {
        if (photo == null) {
            try (InputStream in = FaceFrames.class.getResourceAsStream(ASTRONAUT)) {
                if (in == null) {
                    throw new IllegalStateException(ASTRONAUT + " is not on the test classpath");
                }
                photo = ImageIO.read(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return photo;
    }

    private static int startOfScan(byte[] jpeg) {
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) {
                return i;
            }
        }
        throw new IllegalArgumentException("no start-of-scan marker");
    }

    private static byte[] jpeg(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.85f);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
