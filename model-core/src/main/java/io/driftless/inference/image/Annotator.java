package io.driftless.inference.image;

import io.driftless.inference.face.FaceDetection;
import io.driftless.inference.face.RgbPixels;
import io.driftless.inference.vision.ClassScore;
import io.driftless.inference.vision.ImageAnswer;
import io.driftless.inference.vision.ObjectDetection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws face detections onto an image ({@link RgbPixels}) for the annotated-frame response: each box as an
 * outline and each of its six keypoints as a dot, coloured by keypoint. It writes the image's
 * pixels directly, in place, so it needs no AWT (none on a headless task manager) and costs one
 * pass over the drawn pixels only. Shapes are clipped to the image; a keypoint or box that is not
 * a finite number is skipped.
 *
 * <pre>{@code
 * Annotator annotator = new Annotator(2, 3);
 * annotator.draw(image, detections);
 * byte[] response = codec.encode(image, 80);
 * }</pre>
 */
public final class Annotator {

    /** The box's colour: green. */
    public static final int BOX_RGB = 0x00E000;

    /**
     * One colour per keypoint in {@link FaceDetection}'s order: right eye red, left eye blue, nose
     * tip yellow, mouth centre magenta, right ear cyan, left ear orange.
     */
    public static final int[] KEYPOINT_RGB = {0xFF0000, 0x0060FF, 0xFFFF00, 0xFF00FF, 0x00FFFF, 0xFF8000};

    /** Object boxes' colours, by class index modulo their count: distinct on most frames. */
    public static final int[] CLASS_RGB = {0x00E000, 0xFF3030, 0x3090FF, 0xFFD000, 0xFF40FF, 0x00E0E0, 0xFF8000,
        0xA060FF};

    /** The top classes' text colour, over a black shadow so that it reads on light and dark frames. */
    public static final int CLASS_TEXT_RGB = 0xFFFF00;

    /** Pixels from one caption line's baseline to the next. */
    static final int LINE_HEIGHT = 14;

    private final int lineWidth;
    private final int dotRadius;

    /**
     * @param lineWidth the box outline's width in pixels, 1 to 16
     * @param dotRadius a keypoint dot's radius in pixels, 0 (one pixel) to 16
     */
    public Annotator(int lineWidth, int dotRadius) {
        if (lineWidth < 1 || lineWidth > 16) {
            throw new IllegalArgumentException("lineWidth must be 1 to 16 pixels, got " + lineWidth);
        }
        if (dotRadius < 0 || dotRadius > 16) {
            throw new IllegalArgumentException("dotRadius must be 0 to 16 pixels, got " + dotRadius);
        }
        this.lineWidth = lineWidth;
        this.dotRadius = dotRadius;
    }

    /** Draws every detection onto {@code image}, changing its pixels. */
    public void draw(RgbPixels image, List<FaceDetection> detections) {
        for (FaceDetection detection : detections) {
            drawBox(image, detection);
            for (int k = 0; k < FaceDetection.KEYPOINT_COUNT; k++) {
                drawDot(image, detection.keypointX(k), detection.keypointY(k), KEYPOINT_RGB[k]);
            }
        }
    }

    /**
     * Draws a user model's answer: each object's box in its class's colour. Returns the text that
     * goes with it, for {@link JpegCodec#encode(DecodedJpeg, int, List)}: each box's label and score
     * above it (inside it at the frame's top edge), and the top classes, one a line, top left.
     */
    public List<Caption> draw(RgbPixels image, ImageAnswer answer) {
        List<Caption> captions = new ArrayList<>();
        for (ObjectDetection d : answer.objects()) {
            int colour = CLASS_RGB[Math.floorMod(d.classId(), CLASS_RGB.length)];
            if (drawBox(image, d.left(), d.top(), d.right(), d.bottom(), colour)) {
                int top = Math.round(d.top());
                int baseline = top >= LINE_HEIGHT ? top - 3 : top + LINE_HEIGHT - 2;
                captions.add(new Caption(label(d.label(), d.score()), Math.round(d.left()) + 1, baseline, colour));
            }
        }
        int line = 0;
        for (ClassScore c : answer.classes()) {
            int baseline = LINE_HEIGHT * ++line;
            String text = label(c.label(), c.score());
            captions.add(new Caption(text, 5, baseline + 1, 0x000000));
            captions.add(new Caption(text, 4, baseline, CLASS_TEXT_RGB));
        }
        return captions;
    }

    private static String label(String name, float score) {
        return String.format(Locale.ROOT, "%s %.2f", name, score);
    }

    private void drawBox(RgbPixels image, FaceDetection d) {
        drawBox(image, d.left(), d.top(), d.right(), d.bottom(), BOX_RGB);
    }

    /** Draws a box outline; false when there is nothing to draw (not finite, or empty). */
    private boolean drawBox(RgbPixels image, float x0, float y0, float x1, float y1, int colour) {
        if (!Float.isFinite(x0) || !Float.isFinite(y0) || !Float.isFinite(x1) || !Float.isFinite(y1)) {
            return false;
        }
        int left = Math.round(x0);
        int top = Math.round(y0);
        int right = Math.round(x1) - 1;
        int bottom = Math.round(y1) - 1;
        if (right < left || bottom < top) {
            return false;
        }
        int inset = Math.min(lineWidth, Math.min(right - left + 1, bottom - top + 1)) - 1;
        fill(image, left, top, right, top + inset, colour);
        fill(image, left, bottom - inset, right, bottom, colour);
        fill(image, left, top, left + inset, bottom, colour);
        fill(image, right - inset, top, right, bottom, colour);
        return true;
    }

    private void drawDot(RgbPixels image, float x, float y, int colour) {
        if (!Float.isFinite(x) || !Float.isFinite(y)) {
            return;
        }
        int cx = Math.round(x);
        int cy = Math.round(y);
        int r2 = dotRadius * dotRadius;
        for (int dy = -dotRadius; dy <= dotRadius; dy++) {
            int halfWidth = (int) Math.sqrt(r2 - dy * dy);
            fill(image, cx - halfWidth, cy + dy, cx + halfWidth, cy + dy, colour);
        }
    }

    /** Fills the rectangle from (x0, y0) to (x1, y1), both inclusive, clipped to the image. */
    private static void fill(RgbPixels image, int x0, int y0, int x1, int y1, int colour) {
        int left = Math.max(0, x0);
        int top = Math.max(0, y0);
        int right = Math.min(image.width() - 1, x1);
        int bottom = Math.min(image.height() - 1, y1);
        if (left <= right && top <= bottom) {
            image.fill(left, top, right, bottom, colour);
        }
    }
}
