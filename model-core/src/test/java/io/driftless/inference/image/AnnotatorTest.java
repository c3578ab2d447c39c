package io.driftless.inference.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftless.inference.face.FaceDetection;
import io.driftless.inference.face.RgbImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnnotatorTest {

    private static final float[] KEYPOINTS = {30, 30, 50, 30, 40, 40, 40, 50, 22, 35, 58, 35};

    @Test
    void drawsTheBoxOutlineAndLeavesItsInsideAlone() {
        RgbImage image = blank(100, 80);

        new Annotator(2, 0).draw(image, List.of(new FaceDetection(0.9f, 20, 10, 40, 50, KEYPOINTS)));

        assertThat(pixel(image, 20, 10)).isEqualTo(Annotator.BOX_RGB);
        assertThat(pixel(image, 21, 30)).isEqualTo(Annotator.BOX_RGB);
        assertThat(pixel(image, 59, 59)).isEqualTo(Annotator.BOX_RGB);
        assertThat(pixel(image, 22, 30)).as("just inside a 2-pixel line").isZero();
        assertThat(pixel(image, 19, 10)).as("just outside the box").isZero();
        assertThat(pixel(image, 60, 59)).as("just outside the box").isZero();
    }

    @Test
    void drawsEachKeypointInItsColour() {
        RgbImage image = blank(100, 80);

        new Annotator(1, 2).draw(image, List.of(new FaceDetection(0.9f, 20, 10, 40, 50, KEYPOINTS)));

        for (int k = 0; k < FaceDetection.KEYPOINT_COUNT; k++) {
            int x = (int) KEYPOINTS[2 * k];
            int y = (int) KEYPOINTS[2 * k + 1];
            assertThat(pixel(image, x, y)).as("keypoint %d", k).isEqualTo(Annotator.KEYPOINT_RGB[k]);
            assertThat(pixel(image, x + 2, y)).as("edge of keypoint %d's dot", k).isEqualTo(Annotator.KEYPOINT_RGB[k]);
        }
        assertThat(pixel(image, 44, 45)).as("between the dots").isZero();
    }

    @Test
    void clipsShapesAtTheImageEdgesAndSkipsWhatIsNotANumber() {
        RgbImage image = blank(10, 10);
        float[] wild = {-5, -5, 12, 3, Float.NaN, 2, Float.POSITIVE_INFINITY, 4, 1e30f, -1e30f, 5, 9};

        new Annotator(3, 4).draw(image, List.of(
                new FaceDetection(0.9f, -20, -20, 25, 100, wild),
                new FaceDetection(0.9f, Float.NaN, 0, 5, 5, wild)));

        assertThat(pixel(image, 3, 5)).as("right edge of a box mostly off the image").isEqualTo(Annotator.BOX_RGB);
        assertThat(pixel(image, 0, 5)).as("inside that box").isZero();
        assertThat(pixel(image, 5, 9)).isEqualTo(Annotator.KEYPOINT_RGB[5]);
    }

    @Test
    void refusesSillySizes() {
        assertThatThrownBy(() -> new Annotator(0, 2)).hasMessage("lineWidth must be 1 to 16 pixels, got 0");
        assertThatThrownBy(() -> new Annotator(2, -1)).hasMessage("dotRadius must be 0 to 16 pixels, got -1");
    }

    private static RgbImage blank(int width, int height) {
        return new RgbImage(width, height, new byte[width * height * 3]);
    }

    private static int pixel(RgbImage image, int x, int y) {
        int at = 3 * (y * image.width() + x);
        byte[] rgb = image.rgb();
        return (rgb[at] & 0xFF) << 16 | (rgb[at + 1] & 0xFF) << 8 | (rgb[at + 2] & 0xFF);
    }
}
