package io.driftless.inference.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class JpegHeaderTest {

    private static final JpegLimits LIMITS = new JpegLimits(1 << 20, 4096, 4096L * 2160);

    @Test
    void readsTheFactsOfABaselineColourJpeg() {
        JpegHeader header = JpegHeader.read(TestJpegs.jpeg(TestJpegs.gradient(640, 480)), LIMITS);

        assertThat(header).isEqualTo(new JpegHeader(640, 480, 3, 8, false));
    }

    @Test
    void readsTheFactsOfAProgressiveJpeg() {
        JpegHeader header = JpegHeader.read(TestJpegs.jpeg(TestJpegs.gradient(320, 200), 0.8f, true), LIMITS);

        assertThat(header).isEqualTo(new JpegHeader(320, 200, 3, 8, true));
    }

    @Test
    void readsTheFactsOfAGrayscaleJpeg() {
        JpegHeader header = JpegHeader.read(TestJpegs.jpeg(TestJpegs.grayGradient(33, 17)), LIMITS);

        assertThat(header).isEqualTo(new JpegHeader(33, 17, 1, 8, false));
    }

    @Test
    void readsTheShippedFacePhoto() {
        assertThat(JpegHeader.read(TestJpegs.astronaut(), LIMITS).width()).isEqualTo(512);
    }

    @Test
    void refusesBytesThatAreNotAJpeg() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

        assertRefused(png, "not a JPEG: it does not start with the start-of-image marker FF D8");
        assertRefused(new byte[0], "not a JPEG");
    }

    @Test
    void refusesAJpegTruncatedBeforeItsFrameHeader() {
        byte[] jpeg = TestJpegs.jpeg(TestJpegs.gradient(64, 64));
        byte[] truncated = Arrays.copyOf(jpeg, TestJpegs.frameHeaderAt(jpeg) + 6);

        assertRefused(truncated, "JPEG is truncated: it ends at byte " + truncated.length + ", before its frame header");
        assertRefused(Arrays.copyOf(jpeg, 2), "JPEG is truncated: it ends at byte 2");
    }

    @Test
    void refusesAHugeDeclaredSizeFromTheHeaderAlone() {
        byte[] forged = TestJpegs.frameHeaderOnly(0xC0, 8, 60000, 60000, 3);

        assertRefused(forged, "JPEG declares 60000x60000, over the 4096-pixel side limit");
    }

    @Test
    void refusesTooManyPixelsWithinTheSideLimit() {
        byte[] forged = TestJpegs.frameHeaderOnly(0xC2, 8, 4096, 4096, 3);

        assertRefused(forged, "JPEG declares 4096x4096 (16777216 pixels), over the 8847360-pixel limit");
    }

    @Test
    void refusesAnEmptyImageAndAHeightLeftToADnlMarker() {
        assertRefused(TestJpegs.frameHeaderOnly(0xC0, 8, 640, 0, 3),
                "JPEG declares 640x0, an empty image (or a height given later by a DNL marker, which is not accepted)");
    }

    @Test
    void refusesAJpegOverTheByteLimit() {
        byte[] jpeg = TestJpegs.jpeg(TestJpegs.gradient(64, 64));
        JpegLimits small = new JpegLimits(jpeg.length - 1, 4096, 4096L * 4096);

        assertThatThrownBy(() -> JpegHeader.read(jpeg, small))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("JPEG of " + jpeg.length + " bytes is over the " + (jpeg.length - 1) + "-byte limit");
    }

    @Test
    void refusesCmykTwelveBitLosslessAndArithmeticJpegs() {
        assertRefused(TestJpegs.frameHeaderOnly(0xC0, 8, 64, 64, 4),
                "JPEG has 4 components (CMYK), only grayscale (1) and colour (3) JPEGs are accepted");
        assertRefused(TestJpegs.frameHeaderOnly(0xC1, 12, 64, 64, 3),
                "JPEG has 12-bit samples, only 8-bit JPEGs are accepted");
        assertRefused(TestJpegs.frameHeaderOnly(0xC3, 8, 64, 64, 3),
                "JPEG uses lossless coding (SOF3), only baseline, extended and progressive Huffman JPEGs are accepted");
        assertRefused(TestJpegs.frameHeaderOnly(0xC9, 8, 64, 64, 3), "JPEG uses arithmetic coding (SOF9)");
    }

    @Test
    void refusesAFrameHeaderWhoseLengthDisagreesWithItsComponents() {
        byte[] forged = TestJpegs.frameHeaderOnly(0xC0, 8, 64, 64, 3);
        forged[11] = 1;

        assertRefused(forged, "JPEG is corrupt: its frame header is 17 bytes for 1 components, which take 11");
    }

    @Test
    void refusesAScanBeforeAnyFrameHeader() {
        byte[] bytes = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDA, 0, 2};

        assertRefused(bytes, "JPEG is corrupt: marker FF DA at byte 2 comes before any frame header (SOF)");
    }

    @Test
    void refusesGarbageWhereAMarkerShouldBe() {
        byte[] bytes = {(byte) 0xFF, (byte) 0xD8, 0x12, 0x34};

        assertRefused(bytes, "JPEG is corrupt: expected a marker at byte 2, found 0x12");
    }

    @Test
    void requireSizeNamesBothSizesWhenTheFrameDisagrees() {
        JpegHeader header = JpegHeader.read(TestJpegs.jpeg(TestJpegs.gradient(640, 480)), LIMITS);

        header.requireSize(640, 480);
        assertThatThrownBy(() -> header.requireSize(480, 640))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("JPEG is 640x480 but the frame declares 480x640");
    }

    @Test
    void limitsRefuseNonsense() {
        assertThatThrownBy(() -> new JpegLimits(0, 10, 10)).hasMessageContaining("maxBytes must be at least 4");
        assertThatThrownBy(() -> new JpegLimits(100, 0, 10)).hasMessageContaining("maxSide must be 1 to 16384");
        assertThatThrownBy(() -> new JpegLimits(100, 10, 101)).hasMessageContaining("maxPixels must be 1 to");
    }

    private static void assertRefused(byte[] bytes, String detail) {
        assertThatThrownBy(() -> JpegHeader.read(bytes, LIMITS))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageStartingWith(detail);
    }
}
