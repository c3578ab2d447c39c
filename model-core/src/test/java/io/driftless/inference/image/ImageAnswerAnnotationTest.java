package io.driftless.inference.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.inference.face.RgbImage;
import io.driftless.inference.vision.ClassScore;
import io.driftless.inference.vision.ImageAnswer;
import io.driftless.inference.vision.ObjectDetection;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A user model's answer drawn: boxes in class colours, label and score above each, the top classes top left. */
class ImageAnswerAnnotationTest {

    private static RgbImage grey(int width, int height) {
        byte[] rgb = new byte[width * height * 3];
        Arrays.fill(rgb, (byte) 128);
        return new RgbImage(width, height, rgb);
    }

    private static int rgb(RgbImage image, int x, int y) {
        int at = 3 * (y * image.width() + x);
        byte[] p = image.rgb();
        return (p[at] & 0xFF) << 16 | (p[at + 1] & 0xFF) << 8 | (p[at + 2] & 0xFF);
    }

    @Test
    void drawsEachBoxInItsClassColourAndCaptionsItAbove() {
        RgbImage image = grey(200, 100);
        ImageAnswer answer = new ImageAnswer(List.of(
                new ObjectDetection(1, "dog", 0.87f, 40, 30, 120, 90),
                new ObjectDetection(0, "cat", 0.5f, 10, 5, 30, 20)), List.of());
        List<Caption> captions = new Annotator(2, 0).draw(image, answer);
        assertThat(rgb(image, 80, 30)).isEqualTo(Annotator.CLASS_RGB[1]);
        assertThat(rgb(image, 80, 60)).isEqualTo(0x808080);
        assertThat(rgb(image, 20, 5)).isEqualTo(Annotator.CLASS_RGB[0]);
        assertThat(captions).extracting(Caption::text).containsExactly("dog 0.87", "cat 0.50");
        // above the dog's box; inside the cat's, whose top is too near the frame's edge for a line above
        assertThat(captions.get(0).baselineY()).isEqualTo(27);
        assertThat(captions.get(1).baselineY()).isEqualTo(5 + Annotator.LINE_HEIGHT - 2);
        assertThat(captions.get(0).rgb()).isEqualTo(Annotator.CLASS_RGB[1]);
    }

    @Test
    void listsTheTopClassesOneALineOverAShadow() {
        List<Caption> captions = new Annotator(2, 0).draw(grey(100, 100), new ImageAnswer(List.of(),
                List.of(new ClassScore(3, "tabby", 0.6f), new ClassScore(7, "tiger cat", 0.25f))));
        assertThat(captions).extracting(Caption::text)
                .containsExactly("tabby 0.60", "tabby 0.60", "tiger cat 0.25", "tiger cat 0.25");
        assertThat(captions).extracting(Caption::rgb).containsExactly(0x000000, Annotator.CLASS_TEXT_RGB, 0x000000,
                Annotator.CLASS_TEXT_RGB);
    }

    @Test
    void captionsAreWrittenIntoTheEncodedFrameOnly() {
        JpegCodec codec = new JpegCodec(JpegLimits.DEFAULTS);
        RgbImage image = grey(120, 40);
        byte[] plain = codec.encode(image, 95);
        byte[] captioned = codec.encode(image, 95, List.of(new Caption("person 0.93", 4, 20, 0xFFFF00)));
        assertThat(rgb(image, 10, 15)).as("the image itself is left as it was").isEqualTo(0x808080);
        RgbImage decoded = codec.decode(captioned);
        RgbImage reference = codec.decode(plain);
        // where the text went: the box around every pixel the caption changed
        int changed = 0;
        int left = 120;
        int right = -1;
        int top = 40;
        int bottom = -1;
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 120; x++) {
                if (Math.abs((rgb(decoded, x, y) >>> 16) - (rgb(reference, x, y) >>> 16)) > 40) {
                    changed++;
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                }
            }
        }
        String box = "changed " + changed + " pixels in x " + left + ".." + right + ", y " + top + ".." + bottom;
        assertThat(changed).as(box).isGreaterThan(40);
        // the text starts at x 4 and sits on its baseline at y 20, a line of about 12 pixels; JPEG smears it a little
        assertThat(left).as(box).isBetween(2, 8);
        assertThat(top).as(box).isBetween(4, 14);
        assertThat(bottom).as(box).isBetween(18, 26);
        assertThat(right).as(box).isBetween(40, 119);
    }

    @Test
    void nonAsciiLabelsAreWrittenAsQuestionMarks() {
        assertThat(new Caption("chat noir \u00e9", 0, 0, 0).text()).isEqualTo("chat noir ?");
    }
}
