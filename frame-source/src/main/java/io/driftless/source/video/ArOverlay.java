package io.driftless.source.video;

import io.driftless.proto.Anchor;
import io.driftless.proto.Box;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Draws the AR filter a person sees: dog ears at the returned ear tips, glasses across the
 * returned bridge, and a box around every returned point, all placed and scaled by the anchors
 * alone, so an overlay that lags the face shows as such.
 */
public final class ArOverlay {

    static final Color BOX = new Color(0x00E000);
    static final Color EARS = new Color(0x8B5A2B);
    static final Color EARS_INNER = new Color(0xF4A6B7);
    static final Color GLASSES = new Color(0x202020);

    private ArOverlay() {}

    /**
     * Draws onto {@code g}: the sprite when the anchors name both ear tips and the glasses bridge,
     * else a dot per anchor; the box around the anchors; and {@code detectionBox} when not null.
     *
     * <p>Anchors and box are in the pixels of the frame the job saw; {@code scaleX} and
     * {@code scaleY} take them to the picture drawn on (a JPEG frame is sent resized, its answer
     * is in the resized frame's pixels). Strokes stay in the picture's pixels.
     */
    public static void draw(Graphics2D g, List<Anchor> answerAnchors, Box answerBox,
            double scaleX, double scaleY) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        List<Anchor> anchors = answerAnchors.stream()
                .map(a -> a.toBuilder()
                        .setX((float) (a.getX() * scaleX))
                        .setY((float) (a.getY() * scaleY))
                        .build())
                .toList();
        Box detectionBox = answerBox == null ? null : Box.newBuilder()
                .setXMin((float) (answerBox.getXMin() * scaleX))
                .setYMin((float) (answerBox.getYMin() * scaleY))
                .setXMax((float) (answerBox.getXMax() * scaleX))
                .setYMax((float) (answerBox.getYMax() * scaleY))
                .build();
        Map<String, Anchor> byName = new HashMap<>();
        anchors.forEach(a -> byName.put(a.getName(), a));
        Anchor rightEar = byName.get("right_ear_tip");
        Anchor leftEar = byName.get("left_ear_tip");
        Anchor bridge = byName.get("glasses_bridge");
        float size = 0;
        if (rightEar != null && leftEar != null && bridge != null) {
            size = (float) Math.hypot(leftEar.getX() - rightEar.getX(),
                    leftEar.getY() - rightEar.getY());
            ears(g, rightEar, leftEar, size);
            glasses(g, rightEar, leftEar, bridge, size);
        } else {
            g.setColor(BOX);
            for (Anchor a : anchors) {
                g.fill(new Ellipse2D.Float(a.getX() - 3, a.getY() - 3, 6, 6));
            }
        }
        g.setColor(BOX);
        g.setStroke(new BasicStroke(Math.max(3f, size / 25)));
        if (!anchors.isEmpty()) {
            float minX = Float.MAX_VALUE;
            float minY = Float.MAX_VALUE;
            float maxX = -Float.MAX_VALUE;
            float maxY = -Float.MAX_VALUE;
            for (Anchor a : anchors) {
                minX = Math.min(minX, a.getX());
                minY = Math.min(minY, a.getY());
                maxX = Math.max(maxX, a.getX());
                maxY = Math.max(maxY, a.getY());
            }
            g.draw(new Rectangle2D.Float(minX, minY, maxX - minX, maxY - minY));
        }
        if (detectionBox != null) {
            g.draw(new Rectangle2D.Float(detectionBox.getXMin(), detectionBox.getYMin(),
                    detectionBox.getXMax() - detectionBox.getXMin(),
                    detectionBox.getYMax() - detectionBox.getYMin()));
        }
    }

    /** Two triangles standing on the ear tips, leaning outwards, pointing away from the face. */
    private static void ears(Graphics2D g, Anchor right, Anchor left, float size) {
        // unit vector from the right ear to the left one, and "up" for the head (y grows down)
        float ux = (left.getX() - right.getX()) / size;
        float uy = (left.getY() - right.getY()) / size;
        float upX = uy;
        float upY = -ux;
        ear(g, right.getX(), right.getY(), -ux, -uy, upX, upY, size);
        ear(g, left.getX(), left.getY(), ux, uy, upX, upY, size);
    }

    private static void ear(Graphics2D g, float x, float y, float outX, float outY, float upX,
            float upY, float size) {
        float half = size * 0.16f;
        float height = size * 0.38f;
        float[] tip = {x + upX * height + outX * half, y + upY * height + outY * half};
        g.setColor(EARS);
        g.fill(triangle(x - outX * half, y - outY * half, x + outX * half, y + outY * half,
                tip[0], tip[1]));
        g.setColor(EARS_INNER);
        g.fill(triangle(x - outX * half * 0.5f, y - outY * half * 0.5f,
                x + outX * half * 0.5f, y + outY * half * 0.5f,
                x + upX * height * 0.7f + outX * half * 0.7f,
                y + upY * height * 0.7f + outY * half * 0.7f));
    }

    /** Two round lenses either side of the bridge and the bar between them. */
    private static void glasses(Graphics2D g, Anchor right, Anchor left, Anchor bridge,
            float size) {
        float ux = (left.getX() - right.getX()) / size;
        float uy = (left.getY() - right.getY()) / size;
        float offset = size * 0.2f;
        float radius = size * 0.13f;
        g.setColor(GLASSES);
        g.setStroke(new BasicStroke(Math.max(2f, size / 40)));
        float rx = bridge.getX() - ux * offset;
        float ry = bridge.getY() - uy * offset;
        float lx = bridge.getX() + ux * offset;
        float ly = bridge.getY() + uy * offset;
        g.draw(new Ellipse2D.Float(rx - radius, ry - radius, 2 * radius, 2 * radius));
        g.draw(new Ellipse2D.Float(lx - radius, ly - radius, 2 * radius, 2 * radius));
        g.draw(new Line2D.Float(rx + ux * radius, ry + uy * radius, lx - ux * radius,
                ly - uy * radius));
    }

    private static Path2D triangle(float x0, float y0, float x1, float y1, float x2, float y2) {
        Path2D.Float p = new Path2D.Float();
        p.moveTo(x0, y0);
        p.lineTo(x1, y1);
        p.lineTo(x2, y2);
        p.closePath();
        return p;
    }
}
