package io.driftless.inference.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftless.inference.face.RgbImage;
import java.util.Arrays;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class JpegCodecTest {

    /** JPEG's loss on a smooth gradient at quality 90 stays well under this per channel. */
    private static final int TOLERANCE = 12;

    private final JpegCodec codec = new JpegCodec(JpegLimits.DEFAULTS);

    @Test
    void decodesAColourJpegToItsPixelsWithinJpegLoss() {
        byte[] jpeg = TestJpegs.jpeg(TestJpegs.gradient(640, 480));

        RgbImage image = codec.decode(jpeg, 640, 480);

        assertThat(image.width()).isEqualTo(640);
        assertThat(image.height()).isEqualTo(480);
        assertCloseToGradient(image, TOLERANCE);
    }

    @Test
    void decodesWhatTheJdkDecodesFromTheFacePhoto() {
        byte[] jpeg = TestJpegs.astronaut();

        RgbImage ours = codec.decode(jpeg, 512, 512);
        RgbImage jdk = TestJpegs.rgb(TestJpegs.decodeWithImageIo(jpeg));

        // two conforming decoders differ only in rounding of the colour conversion and upsampling
        assertThat(meanAbsoluteDifference(ours, jdk)).isLessThan(2.0);
    }

    @Test
    void encodeThenDecodeRoundTripsWithinJpegLoss() {
        RgbImage original = TestJpegs.rgb(TestJpegs.gradient(320, 240));

        byte[] jpeg = codec.encode(original, 90);
        RgbImage decoded = codec.decode(jpeg, 320, 240);

        assertThat(JpegHeader.read(jpeg, JpegLimits.DEFAULTS)).isEqualTo(new JpegHeader(320, 240, 3, 8, false));
        assertCloseToGradient(decoded, TOLERANCE);
        // and the JDK reads what we write
        assertThat(meanAbsoluteDifference(TestJpegs.rgb(TestJpegs.decodeWithImageIo(jpeg)), original)).isLessThan(3.0);
    }

    @Test
    void lowerQualityMakesSmallerFiles() {
        RgbImage photo = codec.decode(TestJpegs.astronaut());

        assertThat(codec.encode(photo, 30).length).isLessThan(codec.encode(photo, 90).length);
        assertThatThrownBy(() -> codec.encode(photo, 0)).hasMessage("JPEG quality must be 1 to 100, got 0");
    }

    @Test
    void decodesAProgressiveJpeg() {
        byte[] jpeg = TestJpegs.jpeg(TestJpegs.gradient(200, 150), 0.9f, true);
        assertThat(JpegHeader.read(jpeg, JpegLimits.DEFAULTS).progressive()).isTrue();

        assertCloseToGradient(codec.decode(jpeg, 200, 150), TOLERANCE);
    }

    @Test
    void convertsAGrayscaleJpegToRgb() {
        RgbImage image = codec.decode(TestJpegs.jpeg(TestJpegs.grayGradient(100, 10)), 100, 10);

        byte[] rgb = image.rgb();
        for (int x = 0; x < 100; x++) {
            int at = 3 * (5 * 100 + x);
            int expected = 255 * x / 99;
            assertThat(rgb[at] & 0xFF).as("red at x=%d", x).isCloseTo(expected, Offset.offset(6));
            assertThat(rgb[at + 1]).as("green equals red at x=%d", x).isEqualTo(rgb[at]);
            assertThat(rgb[at + 2]).as("blue equals red at x=%d", x).isEqualTo(rgb[at]);
        }
    }

    @Test
    void refusesATruncatedBody() {
        byte[] jpeg = TestJpegs.jpeg(TestJpegs.gradient(640, 480));
        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length * 2 / 3);

        assertThatThrownBy(() -> codec.decode(truncated, 640, 480))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageStartingWith("JPEG is corrupt or truncated: its 640x480 body does not decode");
    }

    @Test
    void refusesACorruptBodyWithoutCrashing() {
        byte[] jpeg = TestJpegs.jpeg(TestJpegs.gradient(320, 240));
        Random random = new Random(7);
        int refused = 0;
        for (int trial = 0; trial < 200; trial++) {
            byte[] corrupt = jpeg.clone();
            // scribble over the entropy-coded data and the tables in front of it
            for (int i = 0; i < 8; i++) {
                corrupt[TestJpegs.frameHeaderAt(jpeg) + random.nextInt(corrupt.length - TestJpegs.frameHeaderAt(jpeg))]
                        = (byte) random.nextInt(256);
            }
            try {
                RgbImage image = codec.decode(corrupt, 320, 240);
                assertThat(image.rgb()).hasSize(320 * 240 * 3);
            } catch (InvalidImageException e) {
                assertThat(e.getMessage()).startsWith("JPEG ");
                refused++;
            }
        }
        // a flipped byte in the entropy-coded data sometimes still decodes, to a damaged picture
        assertThat(refused).as("corrupt JPEGs refused out of 200").isGreaterThan(100);
    }

    @Test
    void refusesAHugeDeclaredSizeBeforeDecoding() {
        byte[] forged = TestJpegs.withDeclaredSize(TestJpegs.jpeg(TestJpegs.gradient(64, 64)), 60000, 60000);

        assertThatThrownBy(() -> codec.decode(forged))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("JPEG declares 60000x60000, over the 4096-pixel side limit");
    }

    @Test
    void refusesABodyThatDisagreesWithAForgedHeaderWithinTheLimits() {
        byte[] forged = TestJpegs.withDeclaredSize(TestJpegs.jpeg(TestJpegs.gradient(64, 64)), 4000, 2000);

        assertThatThrownBy(() -> codec.decode(forged, 4000, 2000))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageStartingWith("JPEG is corrupt or truncated: its 4000x2000 body does not decode");
    }

    @Test
    void refusesAJpegOfAnotherSizeThanTheFrameDeclares() {
        byte[] jpeg = TestJpegs.jpeg(TestJpegs.gradient(640, 480));

        assertThatThrownBy(() -> codec.decode(jpeg, 1280, 720))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("JPEG is 640x480 but the frame declares 1280x720");
    }

    @Test
    void refusesAJpegOverTheByteLimit() {
        byte[] jpeg = TestJpegs.astronaut();
        JpegCodec strict = new JpegCodec(new JpegLimits(10_000, 4096, 4096L * 2160));

        assertThatThrownBy(() -> strict.decode(jpeg, 512, 512))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("JPEG of " + jpeg.length + " bytes is over the 10000-byte limit");
    }

    @Test
    void resizesToTheAskedSize() {
        RgbImage big = TestJpegs.rgb(TestJpegs.gradient(1280, 960));

        RgbImage small = codec.resize(big, 640, 480);

        assertThat(small.width()).isEqualTo(640);
        assertThat(small.height()).isEqualTo(480);
        assertCloseToGradient(small, 6);
        assertThat(codec.resize(small, 640, 480)).isSameAs(small);
    }

    @Test
    void fitsWithinABoxKeepingTheAspectRatio() {
        RgbImage wide = TestJpegs.rgb(TestJpegs.gradient(1920, 1080));

        RgbImage fitted = codec.fitWithin(wide, 640, 480);

        assertThat(fitted.width()).isEqualTo(640);
        assertThat(fitted.height()).isEqualTo(360);
        assertThat(codec.fitWithin(fitted, 640, 480)).isSameAs(fitted);
    }

    /** Every pixel of {@code image} is within {@code tolerance} of {@link TestJpegs#gradient} at its size. */
    private static void assertCloseToGradient(RgbImage image, int tolerance) {
        byte[] rgb = image.rgb();
        int worst = 0;
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                int expected = TestJpegs.gradientPixel(x, y, image.width(), image.height());
                int at = 3 * (y * image.width() + x);
                worst = Math.max(worst, Math.abs((rgb[at] & 0xFF) - (expected >>> 16 & 0xFF)));
                worst = Math.max(worst, Math.abs((rgb[at + 1] & 0xFF) - (expected >>> 8 & 0xFF)));
                worst = Math.max(worst, Math.abs((rgb[at + 2] & 0xFF) - (expected & 0xFF)));
            }
        }
        assertThat(worst).as("largest channel difference from the gradient").isLessThanOrEqualTo(tolerance);
    }

    private static double meanAbsoluteDifference(RgbImage a, RgbImage b) {
        assertThat(a.width()).isEqualTo(b.width());
        assertThat(a.height()).isEqualTo(b.height());
        long sum = 0;
        byte[] x = a.rgb();
        byte[] y = b.rgb();
        for (int i = 0; i < x.length; i++) {
            sum += Math.abs((x[i] & 0xFF) - (y[i] & 0xFF));
        }
        return (double) sum / x.length;
    }
}
