package io.driftless.source.video;

import io.driftless.inference.image.Annotator;
import io.driftless.proto.Box;
import io.driftless.proto.Classification;
import io.driftless.proto.Detection;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.util.List;
import java.util.Locale;

/**
 * Draws a user's image model's answer as the job's annotated frames show it: each object's box in
 * its class's colour ({@link Annotator#CLASS_RGB} by class id) with its label and score above it,
 * and a classifier's top classes, one a line, top left over a shadow.
 */
final class ObjectOverlay {

    private static final int LINE_HEIGHT = 16;

    private ObjectOverlay() {}

    /**
     * Draws onto {@code g}; boxes are in the pixels of the frame the job saw, {@code scaleX} and
     * {@code scaleY} take them to the picture drawn on.
     */
    static void draw(Graphics2D g, List<Detection> objects, List<Classification> classes, double scaleX,
            double scaleY) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        g.setStroke(new BasicStroke(3f));
        for (Detection d : objects) {
            Box b = d.getBox();
            float left = (float) (b.getXMin() * scaleX);
            float top = (float) (b.getYMin() * scaleY);
            float width = (float) ((b.getXMax() - b.getXMin()) * scaleX);
            float height = (float) ((b.getYMax() - b.getYMin()) * scaleY);
            Color colour = classColour(d.getClassId());
            g.setColor(colour);
            g.draw(new Rectangle2D.Float(left, top, width, height));
            // above the box, or inside it where the box touches the picture's top edge
            float baseline = top >= LINE_HEIGHT ? top - 4 : top + LINE_HEIGHT - 2;
            g.drawString(label(d.getLabel(), d.getScore()), left + 2, baseline);
        }
        int line = 0;
        for (Classification c : classes) {
            int baseline = LINE_HEIGHT * ++line;
            String text = label(c.getLabel(), c.getScore());
            g.setColor(Color.BLACK);
            g.drawString(text, 6, baseline + 1);
            g.setColor(new Color(Annotator.CLASS_TEXT_RGB));
            g.drawString(text, 5, baseline);
        }
    }

    static Color classColour(int classId) {
        return new Color(Annotator.CLASS_RGB[Math.floorMod(classId, Annotator.CLASS_RGB.length)]);
    }

    private static String label(String name, float score) {
        return String.format(Locale.ROOT, "%s %.2f", name.isEmpty() ? "?" : name, score);
    }
}
