package io.driftless.inference.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.driftless.inference.face.RgbImage;

/**
 * Fuzzes the JPEG path's handling of client bytes, header check and decode together, against its
 * contract: for any bytes it either refuses them with a non-blank detail or returns an image of
 * exactly the size the header declared, within the limits; it never crashes the JVM, whatever the
 * native decoder meets. The limits are small so that a run tries many inputs.
 *
 * <p>Without {@code JAZZER_FUZZ} set this runs only the JPEGs committed under
 * {@code JpegDecodeFuzzTestInputs/} (small baseline, progressive and grayscale JPEGs made by the
 * JDK, one truncated, one with a forged huge size); model-core's surefire "fuzz" execution sets
 * it, and says how to fuzz for longer.
 */
class JpegDecodeFuzzTest {

    private static final JpegLimits LIMITS = new JpegLimits(64 * 1024, 256, 256L * 192);

    private final JpegCodec codec = new JpegCodec(LIMITS);

    @FuzzTest(maxDuration = "10s")
    void decodeRefusesOrReturnsTheDeclaredSize(byte[] bytes) {
        JpegHeader header;
        try {
            header = JpegHeader.read(bytes, LIMITS);
        } catch (InvalidImageException e) {
            assertThat(e.getMessage()).as("detail of a refused header").isNotBlank();
            return;
        }
        assertThat(header.width()).as("width").isBetween(1, LIMITS.maxSide());
        assertThat(header.height()).as("height").isBetween(1, LIMITS.maxSide());
        assertThat((long) header.width() * header.height()).as("pixels").isLessThanOrEqualTo(LIMITS.maxPixels());
        assertThat(header.components()).as("components").isIn(1, 3);

        RgbImage image;
        try {
            image = codec.decode(bytes, header.width(), header.height());
        } catch (InvalidImageException e) {
            assertThat(e.getMessage()).as("detail of a refused body").isNotBlank();
            return;
        }
        assertThat(image.width()).as("decoded width").isEqualTo(header.width());
        assertThat(image.height()).as("decoded height").isEqualTo(header.height());
    }
}
