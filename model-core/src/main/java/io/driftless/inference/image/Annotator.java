package io.driftless.inference.image;

import io.driftless.inference.face.FaceDetection;
import io.driftless.inference.face.RgbImage;
import java.util.List;

/**
 * Draws face detections onto an {@link RgbImage} for the annotated-frame response: each box as an
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
    public void draw(RgbImage image, List<FaceDetection> detections) {
        for (FaceDetection detection : detections) {
            drawBox(image, detection);
            for (int k = 0; k < FaceDetection.KEYPOINT_COUNT; k++) {
                drawDot(image, detection.keypointX(k), detection.keypointY(k), KEYPOINT_RGB[k]);
            }
        }
    }

    private void drawBox(RgbImage image, FaceDetection d) {
        if (!Float.isFinite(d.left()) || !Float.isFinite(d.top()) || !Float.isFinite(d.right())
                || !Float.isFinite(d.bottom())) {
            return;
        }
        int left = Math.round(d.left());
        int top = Math.round(d.top());
        int right = Math.round(d.right()) - 1;
        int bottom = Math.round(d.bottom()) - 1;
        if (right < left || bottom < top) {
            return;
        }
        int inset = Math.min(lineWidth, Math.min(right - left + 1, bottom - top + 1)) - 1;
        fill(image, left, top, right, top + inset, BOX_RGB);
        fill(image, left, bottom - inset, right, bottom, BOX_RGB);
        fill(image, left, top, left + inset, bottom, BOX_RGB);
        fill(image, right - inset, top, right, bottom, BOX_RGB);
    }

    private void drawDot(RgbImage image, float x, float y, int colour) {
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
    private static void fill(RgbImage image, int x0, int y0, int x1, int y1, int colour) {
        int left = Math.max(0, x0);
        int top = Math.max(0, y0);
        int right = Math.min(image.width() - 1, x1);
        int bottom = Math.min(image.height() - 1, y1);
        byte r = (byte) (colour >>> 16);
        byte g = (byte) (colour >>> 8);
        byte b = (byte) colour;
        byte[] rgb = image.rgb();
        for (int y = top; y <= bottom; y++) {
            int at = 3 * (y * image.width() + left);
            for (int x = left; x <= right; x++) {
                rgb[at++] = r;
                rgb[at++] = g;
                rgb[at++] = b;
            }
        }
    }
}
