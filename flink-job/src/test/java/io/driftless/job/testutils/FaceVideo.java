package io.driftless.job.testutils;

import io.driftless.inference.face.FaceDetection;
import io.driftless.inference.face.RgbImage;
import io.driftless.source.FaceDetector;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

/**
 * A short video of the astronaut photo sliding left to right in a 480 x 360 frame, so the face in
 * frame {@code i} is the photo's own face box moved by {@link #offsetX(int, int)}.
 */
public final class FaceVideo {

    public static final int WIDTH = 480;
    public static final int HEIGHT = 360;
    private static final int PHOTO_FACE_X = 225;
    private static final int PHOTO_FACE_Y = 127;

    private FaceVideo() {}

    /** How far the photo is moved right in frame {@code index}: its face from x 150 to 330. */
    public static int offsetX(int index, int frames) {
        return 150 - PHOTO_FACE_X + index * 180 / Math.max(1, frames - 1);
    }

    public static int offsetY() {
        return HEIGHT / 2 - PHOTO_FACE_Y;
    }

    /** The face the detector finds in the photo itself. */
    public static FaceDetection photoFace() {
        BufferedImage photo = photo();
        int[] pixels = photo.getRGB(0, 0, photo.getWidth(), photo.getHeight(), null, 0,
                photo.getWidth());
        try (FaceDetector detector = new FaceDetector()) {
            return detector.detect(RgbImage.fromPackedRgb(photo.getWidth(), photo.getHeight(),
                    pixels)).get(0);
        }
    }

    /** Writes {@code frames} frames at {@code fps} to {@code file} (MPEG-4 in MP4). */
    public static void write(Path file, int frames, double fps) {
        BufferedImage photo = photo();
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), WIDTH, HEIGHT, 0)) {
            recorder.setFormat("mp4");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(fps);
            recorder.setVideoQuality(2);
            recorder.start();
            for (int i = 0; i < frames; i++) {
                BufferedImage frame = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
                Graphics2D g = frame.createGraphics();
                g.setColor(Color.GRAY);
                g.fillRect(0, 0, WIDTH, HEIGHT);
                g.drawImage(photo, offsetX(i, frames), offsetY(), null);
                g.dispose();
                byte[] bgr = ((DataBufferByte) frame.getRaster().getDataBuffer()).getData();
                recorder.recordImage(WIDTH, HEIGHT, Frame.DEPTH_UBYTE, 3, WIDTH * 3,
                        avutil.AV_PIX_FMT_BGR24, ByteBuffer.wrap(bgr));
            }
            recorder.stop();
        } catch (FrameRecorder.Exception e) {
            throw new IllegalStateException("cannot write the test video " + file, e);
        }
    }

    private static BufferedImage photo() {
        try (InputStream in = FaceVideo.class.getResourceAsStream("/faces/astronaut.jpg")) {
            return ImageIO.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
