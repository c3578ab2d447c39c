package io.driftless.inference.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftless.inference.face.FaceDetection;
import io.driftless.inference.face.FaceDetectionAdapter;
import io.driftless.inference.face.RgbImage;
import io.driftless.inference.face.RgbPixels;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class DecodedJpegTest {

    private final JpegCodec codec = new JpegCodec(JpegLimits.DEFAULTS);

    @Test
    void holdsTheSamePixelsAsTheDecodeOntoTheHeap() {
        byte[] jpeg = TestJpegs.astronaut();
        RgbImage heap = codec.decode(jpeg, 512, 512);

        try (DecodedJpeg frame = codec.decodeFrame(jpeg, 512, 512)) {
            assertThat(frame.width()).isEqualTo(512);
            assertThat(frame.height()).isEqualTo(512);
            for (int y = 0; y < 512; y += 7) {
                for (int x = 0; x < 512; x += 5) {
                    assertThat(frame.pixel(x, y)).as("pixel (%d, %d)", x, y).isEqualTo(heap.pixel(x, y));
                }
            }
        }
    }

    @Test
    void theFaceDetectorFindsTheSameFacesInEither() throws Exception {
        byte[] jpeg = TestJpegs.astronaut();
        FaceDetectionAdapter adapter = new FaceDetectionAdapter();
        try (ai.onnxruntime.OrtSession.SessionOptions options = new ai.onnxruntime.OrtSession.SessionOptions();
                ai.onnxruntime.OrtSession session = ai.onnxruntime.OrtEnvironment.getEnvironment()
                        .createSession(FaceDetectionAdapter.bundledModel(), options);
                DecodedJpeg frame = codec.decodeFrame(jpeg, 512, 512)) {
            var env = ai.onnxruntime.OrtEnvironment.getEnvironment();
            List<FaceDetection> fromHeap = adapter.run(env, session, List.<RgbPixels>of(codec.decode(jpeg))).get(0);
            List<FaceDetection> fromFrame = adapter.run(env, session, List.<RgbPixels>of(frame)).get(0);

            assertThat(fromHeap).isNotEmpty();
            assertThat(fromFrame).isEqualTo(fromHeap);
        }
    }

    @Test
    void whatIsDrawnOnItIsEncoded() {
        byte[] jpeg = TestJpegs.jpeg(TestJpegs.gradient(320, 240));
        byte[] annotated;
        try (DecodedJpeg frame = codec.decodeFrame(jpeg, 320, 240)) {
            frame.fill(100, 60, 139, 99, 0x00E000);
            assertThat(frame.pixel(120, 80)).isEqualTo(0x00E000);
            annotated = codec.encode(frame, 90);
        }

        RgbImage back = codec.decode(annotated, 320, 240);
        int inside = back.pixel(120, 80);
        assertThat(inside >>> 16).isCloseTo(0x00, Offset.offset(24));
        assertThat(inside >>> 8 & 0xFF).isCloseTo(0xE0, Offset.offset(24));
        assertThat(inside & 0xFF).isCloseTo(0x00, Offset.offset(24));
        // outside the box the gradient is as it was
        int outside = back.pixel(20, 200);
        assertThat(outside >>> 16).isCloseTo(TestJpegs.gradientPixel(20, 200, 320, 240) >>> 16 & 0xFF, Offset.offset(12));
    }

    @Test
    void captionsAreWrittenOnTheFrameWhereTheyAreAsked() {
        byte[] jpeg = TestJpegs.jpeg(TestJpegs.gradient(320, 240));
        RgbImage plain;
        RgbImage captioned;
        try (DecodedJpeg frame = codec.decodeFrame(jpeg, 320, 240)) {
            plain = codec.decode(codec.encode(frame, 90), 320, 240);
            captioned = codec.decode(codec.encode(frame, 90, List.of(new Caption("face 0.99", 4, 20, 0xFFFF00))),
                    320, 240);
        }

        assertThat(changedPixels(plain, captioned, 0, 0, 120, 28)).as("pixels changed by the text").isGreaterThan(20);
        assertThat(changedPixels(plain, captioned, 0, 40, 320, 240)).as("pixels changed below it").isZero();
    }

    /** Pixels in [x0, x1) x [y0, y1) that differ by more than 40 in some channel. */
    private static int changedPixels(RgbImage a, RgbImage b, int x0, int y0, int x1, int y1) {
        int changed = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                int p = a.pixel(x, y);
                int q = b.pixel(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    if (Math.abs((p >>> shift & 0xFF) - (q >>> shift & 0xFF)) > 40) {
                        changed++;
                        break;
                    }
                }
            }
        }
        return changed;
    }

    @Test
    void aGreyJpegDecodesToColourPixels() {
        try (DecodedJpeg frame = codec.decodeFrame(TestJpegs.jpeg(TestJpegs.grayGradient(100, 10)), 100, 10)) {
            int pixel = frame.pixel(99, 5);
            assertThat(pixel >>> 16).isCloseTo(255, Offset.offset(6));
            assertThat(pixel >>> 8 & 0xFF).isEqualTo(pixel >>> 16);
            assertThat(pixel & 0xFF).isEqualTo(pixel >>> 16);
        }
    }

    @Test
    void refusesWhatTheHeapDecodeRefuses() {
        byte[] jpeg = TestJpegs.jpeg(TestJpegs.gradient(320, 240));
        byte[] truncated = java.util.Arrays.copyOf(jpeg, jpeg.length / 2);

        assertThatThrownBy(() -> codec.decodeFrame(jpeg, 640, 480)).isInstanceOf(InvalidImageException.class);
        assertThatThrownBy(() -> codec.decodeFrame(truncated, 320, 240))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("corrupt or truncated");
    }

    @Test
    void closingTwiceIsHarmlessAndAClosedFrameIsNeverRead() {
        DecodedJpeg frame = codec.decodeFrame(TestJpegs.jpeg(TestJpegs.gradient(64, 48)), 64, 48);
        frame.close();
        frame.close();

        assertThatThrownBy(() -> frame.pixel(0, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> codec.encode(frame, 80)).hasMessage("the frame is closed");
    }
}
