package io.driftless.source.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.proto.Anchor;
import io.driftless.proto.AnnotatedFrame;
import io.driftless.proto.Box;
import io.driftless.proto.Classification;
import io.driftless.proto.Detection;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where the overlay lands on the picture: answers to a JPEG frame come in the pixels of the frame
 * as sent (resized to {@code --jpeg-width}), and must be drawn at the scale of the frame shown.
 */
class OverlayRendererTest {

    /** A 720 x 540 camera frame sent as a 640 x 480 JPEG: the answer is 8/9 of the picture's. */
    private static final int WIDTH = 720;
    private static final int HEIGHT = 540;
    private static final int SENT_WIDTH = 640;
    private static final int SENT_HEIGHT = 480;

    @Test
    void drawsTheDetectionBoxAtThePicturesScaleNotTheSentFramesScale() {
        BufferedImage picture = white();
        Box sent = Box.newBuilder().setXMin(100).setYMin(100).setXMax(300).setYMax(300).build();

        OverlayRenderer.drawAnswer(picture, List.of(), sent, SENT_WIDTH, SENT_HEIGHT, 1);

        // 300 sent pixels are 337.5 picture pixels: the right edge is there, not at 300.
        assertThat(isBoxGreen(picture, 337, 225)).as("right edge at 337.5").isTrue();
        assertThat(isBoxGreen(picture, 300, 225)).as("nothing at the unscaled edge").isFalse();
        // 100 sent pixels are 112.5 picture pixels.
        assertThat(isBoxGreen(picture, 200, 112)).as("top edge at 112.5").isTrue();
        assertThat(isBoxGreen(picture, 200, 100)).as("nothing at the unscaled top").isFalse();
    }

    @Test
    void drawsTheArOverlayAtThePicturesScaleNotTheSentFramesScale() {
        BufferedImage picture = white();
        List<Anchor> sent = List.of(
                anchor("right_ear_tip", 200, 150),
                anchor("left_ear_tip", 440, 150),
                anchor("glasses_bridge", 320, 240));

        OverlayRenderer.drawAnswer(picture, sent, null, SENT_WIDTH, SENT_HEIGHT, 1);

        // The box around the anchors spans x 225 to 495 and y 168.75 to 270 on the picture.
        assertThat(isBoxGreen(picture, 495, 220)).as("box right edge at 495").isTrue();
        assertThat(isBoxGreen(picture, 440, 220)).as("nothing at the unscaled edge").isFalse();
        assertThat(isBoxGreen(picture, 300, 270)).as("box bottom edge at 270").isTrue();
        assertThat(isBoxGreen(picture, 300, 240)).as("nothing at the unscaled bottom").isFalse();
        // The glasses: lenses of radius 0.13 x 270 px centred 54 px either side of (360, 270).
        assertThat(isGlasses(picture, 306, 270 - 35)).as("top of the right lens").isTrue();
        assertThat(isGlasses(picture, 414, 270 + 35)).as("bottom of the left lens").isTrue();
    }

    @Test
    void drawsLandmarkAnswersAsTheyAreWhenTheFrameWasSentAtItsOwnSize() {
        BufferedImage picture = white();
        Box sent = Box.newBuilder().setXMin(100).setYMin(100).setXMax(300).setYMax(300).build();

        OverlayRenderer.drawAnswer(picture, List.of(), sent, WIDTH, HEIGHT, 1);

        assertThat(isBoxGreen(picture, 300, 200)).isTrue();
        assertThat(isBoxGreen(picture, 337, 200)).isFalse();
    }

    @Test
    void drawsEachObjectOfAUsersModelInItsClassColourWithItsLabelAtThePicturesScale() {
        BufferedImage picture = white();
        AnnotatedFrame answer = AnnotatedFrame.newBuilder().setModel("yolo11n")
                .addDetections(Detection.newBuilder().setLabel("dog").setScore(0.9f).setClassId(16)
                        .setBox(Box.newBuilder().setXMin(100).setYMin(100).setXMax(300).setYMax(300)))
                .addDetections(Detection.newBuilder().setLabel("cat").setScore(0.8f).setClassId(15)
                        .setBox(Box.newBuilder().setXMin(400).setYMin(200).setXMax(600).setYMax(400)))
                .addClasses(Classification.newBuilder().setLabel("pets").setScore(0.7f))
                .build();

        OverlayRenderer.drawObjects(picture, answer, SENT_WIDTH, SENT_HEIGHT);

        // class 16's colour at the dog's right edge (300 sent pixels: 337.5 on the picture), class 15's at the cat's
        assertThat(isColour(picture, 337, 225, ObjectOverlay.classColour(16))).as("dog's right edge").isTrue();
        assertThat(isColour(picture, 300, 225, ObjectOverlay.classColour(16))).as("not at the unscaled edge").isFalse();
        assertThat(isColour(picture, 560, 337, ObjectOverlay.classColour(15))).as("inside the cat's box").isFalse();
        assertThat(isColour(picture, 550, 225, ObjectOverlay.classColour(15))).as("cat's top edge").isTrue();
        assertThat(darkPixels(picture, 0, 0, 120, 20)).as("the top class written top left").isGreaterThan(10);
        assertThat(darkPixels(picture, 112, 95, 80, 15)).as("the dog's label above its box").isGreaterThan(5);
    }

    private static boolean isColour(BufferedImage picture, int x, int y, Color colour) {
        for (int d = -1; d <= 1; d++) {
            Color c = new Color(picture.getRGB(x, y + d));
            if (Math.abs(c.getRed() - colour.getRed()) + Math.abs(c.getGreen() - colour.getGreen())
                    + Math.abs(c.getBlue() - colour.getBlue()) < 60) {
                return true;
            }
        }
        return false;
    }

    /** Pixels in the rectangle that are not white: text or lines drawn there. */
    private static int darkPixels(BufferedImage picture, int x0, int y0, int width, int height) {
        int n = 0;
        for (int y = y0; y < y0 + height; y++) {
            for (int x = x0; x < x0 + width; x++) {
                if ((picture.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) {
                    n++;
                }
            }
        }
        return n;
    }

    private static BufferedImage white() {
        BufferedImage picture = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = picture.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.dispose();
        return picture;
    }

    private static Anchor anchor(String name, float x, float y) {
        return Anchor.newBuilder().setName(name).setX(x).setY(y).build();
    }

    /** Mostly the box's green, allowing for antialiasing at the stroke's edge. */
    private static boolean isBoxGreen(BufferedImage picture, int x, int y) {
        Color c = new Color(picture.getRGB(x, y));
        return c.getGreen() > 150 && c.getRed() < 100 && c.getBlue() < 100;
    }

    /** Dark near one of the pixel's neighbours: the glasses' thin stroke. */
    private static boolean isGlasses(BufferedImage picture, int x, int y) {
        for (int dy = -2; dy <= 2; dy++) {
            Color c = new Color(picture.getRGB(x, y + dy));
            if (c.getRed() < 100 && c.getGreen() < 100 && c.getBlue() < 100) {
                return true;
            }
        }
        return false;
    }

    @Test
    void drawsAFadingOverlayFainter() {
        BufferedImage picture = white();
        Box sent = Box.newBuilder().setXMin(100).setYMin(100).setXMax(300).setYMax(300).build();

        OverlayRenderer.drawAnswer(picture, List.of(), sent, WIDTH, HEIGHT, 0.5);

        Color c = new Color(picture.getRGB(300, 200));
        assertThat(c.getGreen()).as("green over white stays bright").isGreaterThan(200);
        assertThat(c.getRed()).as("half the box's red-free green over white").isBetween(100, 160);
    }
}
