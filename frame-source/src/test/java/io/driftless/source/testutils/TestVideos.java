package io.driftless.source.testutils;

import io.driftless.inference.face.FaceDetection;
import io.driftless.inference.face.RgbImage;
import io.driftless.source.FaceDetector;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Test videos made from the astronaut photo: in a 480 x 360 frame the photo moves left to right
 * and grows, so every frame has a known face box (the photo's own face box, found once by
 * the detector, moved and scaled with the photo).
 */
public final class TestVideos {

    public static final int WIDTH = 480;
    public static final int HEIGHT = 360;
    /** Where the face's centre is in the photo, about. */
    private static final double PHOTO_FACE_X = 225;
    private static final double PHOTO_FACE_Y = 127;
    private static final Color CANVAS = new Color(0x707070);

    /** Where the photo sits in frame {@code index}, and so where its face is. */
    public record Placement(double x, double y, double scale) {

        /** The photo's face box moved into the frame: left, top, right, bottom. */
        public double[] box(FaceDetection photoFace) {
            return new double[] {
                x + photoFace.left() * scale, y + photoFace.top() * scale,
                x + photoFace.right() * scale, y + photoFace.bottom() * scale};
        }
    }

    private TestVideos() {}

    /** The astronaut photo, 512 x 512. */
    public static BufferedImage astronaut() {
        try (InputStream in = TestVideos.class.getResourceAsStream("/io/driftless/source/astronaut.jpg")) {
            BufferedImage photo = ImageIO.read(in);
            BufferedImage rgb = new BufferedImage(photo.getWidth(), photo.getHeight(),
                    BufferedImage.TYPE_INT_RGB);
            rgb.createGraphics().drawImage(photo, 0, 0, null);
            return rgb;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The face the detector finds in the photo itself: the truth every frame's face derives from. */
    public static FaceDetection astronautFace() {
        BufferedImage photo = astronaut();
        int[] pixels = photo.getRGB(0, 0, photo.getWidth(), photo.getHeight(), null, 0,
                photo.getWidth());
        try (FaceDetector detector = new FaceDetector()) {
            List<FaceDetection> faces = detector.detect(
                    RgbImage.fromPackedRgb(photo.getWidth(), photo.getHeight(), pixels));
            if (faces.isEmpty()) {
                throw new IllegalStateException("the detector finds no face in the astronaut photo");
            }
            return faces.get(0);
        }
    }

    /**
     * Frame {@code index} of {@code frames}: the photo, cropped by the frame, its face moving from
     * left to right and growing from 1 to 1.3 times its size in the photo (the short-range
     * detector wants a face that fills a fair part of the frame).
     */
    public static Placement placement(int index, int frames) {
        double t = frames == 1 ? 0 : (double) index / (frames - 1);
        double scale = 1 + 0.3 * t;
        double faceX = 150 + t * (WIDTH - 300);
        return new Placement(faceX - PHOTO_FACE_X * scale, HEIGHT / 2.0 - PHOTO_FACE_Y * scale,
                scale);
    }

    /** Writes {@code frames} frames at {@code fps} to {@code file} (MPEG-4 in MP4). */
    public static List<Placement> write(Path file, int frames, double fps) {
        return write(file, "mp4", frames, fps);
    }

    /** Writes {@code frames} frames at {@code fps} to {@code file} (MPEG-4 in {@code format}). */
    public static List<Placement> write(Path file, String format, int frames, double fps) {
        BufferedImage photo = astronaut();
        List<Placement> placements = new ArrayList<>();
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), WIDTH, HEIGHT, 0)) {
            recorder.setFormat(format);
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(fps);
            recorder.setVideoQuality(2);
            recorder.start();
            for (int i = 0; i < frames; i++) {
                Placement p = placement(i, frames);
                byte[] bgr = ((DataBufferByte) frame(photo, p).getRaster().getDataBuffer()).getData();
                recorder.recordImage(WIDTH, HEIGHT, Frame.DEPTH_UBYTE, 3, WIDTH * 3,
                        avutil.AV_PIX_FMT_BGR24, ByteBuffer.wrap(bgr));
                placements.add(p);
            }
            recorder.stop();
        } catch (FrameRecorder.Exception e) {
            throw new IllegalStateException("cannot write the test video " + file, e);
        }
        return placements;
    }

    /** One frame: the grey canvas with the photo placed on it, as BGR bytes. */
    public static BufferedImage frame(BufferedImage photo, Placement p) {
        BufferedImage frame = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = frame.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
                RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setColor(CANVAS);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.drawImage(photo, (int) Math.round(p.x()), (int) Math.round(p.y()),
                (int) Math.round(512 * p.scale()), (int) Math.round(512 * p.scale()), null);
        g.dispose();
        return frame;
    }
}
