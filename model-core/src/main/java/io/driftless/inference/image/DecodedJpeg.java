package io.driftless.inference.image;

import static org.bytedeco.leptonica.global.leptonica.pixDestroy;
import static org.bytedeco.leptonica.global.leptonica.pixGetData;
import static org.bytedeco.leptonica.global.leptonica.pixGetHeight;
import static org.bytedeco.leptonica.global.leptonica.pixGetWidth;

import io.driftless.inference.face.RgbPixels;
import java.nio.IntBuffer;
import org.bytedeco.leptonica.PIX;

/**
 * A client's JPEG frame decoded into the codec's native memory, where the face detector reads it,
 * the annotator draws on it and the codec encodes it again: a 640 x 480 frame is never copied
 * onto the Java heap and back, which cost a millisecond a frame, a quarter of an image thread's
 * work.
 *
 * <p>Its memory is the caller's to free with {@link #close()} once nothing reads it any more;
 * reading it after that fails with a {@link NullPointerException}, never a stray read. One
 * thread at a time: hand it over through something that orders memory, such as a future.
 *
 * <pre>{@code
 * try (DecodedJpeg frame = codec.decodeFrame(jpeg, 640, 480)) {
 *     List<FaceDetection> faces = detector.submit(frame, deadlineMicros).join().result();
 *     annotator.draw(frame, faces);
 *     byte[] annotated = codec.encode(frame, 80);
 * }
 * }</pre>
 */
public final class DecodedJpeg implements RgbPixels, AutoCloseable {

    private final int width;
    private final int height;
    private PIX pix;
    /** Leptonica's 32-bit pixels, words 0xRRGGBBAA, one row after another with no padding. */
    private IntBuffer words;

    /** Takes over {@code pix}, a 32-bit Leptonica image. */
    DecodedJpeg(PIX pix) {
        this.pix = pix;
        this.width = pixGetWidth(pix);
        this.height = pixGetHeight(pix);
        this.words = pixGetData(pix).capacity((long) width * height).asBuffer();
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int pixel(int x, int y) {
        return words.get(y * width + x) >>> 8;
    }

    @Override
    public void fill(int left, int top, int right, int bottom, int rgb) {
        int word = rgb << 8 | 0xFF;
        IntBuffer pixels = words;
        for (int y = top; y <= bottom; y++) {
            int row = y * width;
            for (int x = left; x <= right; x++) {
                pixels.put(row + x, word);
            }
        }
    }

    /** The image for the codec to draw text on and encode; null once closed. */
    PIX pix() {
        return pix;
    }

    /** Frees the frame's memory; again, it does nothing. */
    @Override
    public void close() {
        if (pix != null) {
            words = null;
            pixDestroy(pix);
            pix = null;
        }
    }
}
