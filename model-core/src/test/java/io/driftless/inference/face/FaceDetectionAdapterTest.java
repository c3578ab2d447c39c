package io.driftless.inference.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.driftless.inference.Inference;
import io.driftless.inference.MicroClock;
import io.driftless.inference.onnx.OnnxBatchRunner;
import io.driftless.inference.onnx.RunnerOptions;
import java.awt.Color;
import java.awt.geom.AffineTransform;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FaceDetectionAdapterTest {

    @Test
    void makesMediaPipesShortRangeAnchors() {
        SsdAnchors anchors = SsdAnchors.FACE_SHORT_RANGE;

        assertThat(anchors.count()).isEqualTo(896);
        // stride 8: a 16 x 16 map, two anchors per cell
        assertThat(anchors.x(0)).isEqualTo(0.5f / 16);
        assertThat(anchors.x(1)).isEqualTo(0.5f / 16);
        assertThat(anchors.x(2)).isEqualTo(1.5f / 16);
        assertThat(anchors.y(32)).isEqualTo(1.5f / 16);
        // strides 16, 16, 16 share an 8 x 8 map, six anchors per cell
        assertThat(anchors.x(512)).isEqualTo(0.5f / 8);
        assertThat(anchors.x(517)).isEqualTo(0.5f / 8);
        assertThat(anchors.x(518)).isEqualTo(1.5f / 8);
        assertThat(anchors.x(895)).isEqualTo(7.5f / 8);
        assertThat(anchors.y(895)).isEqualTo(7.5f / 8);
    }

    @Test
    void letterboxesLandscapeImagesWithBarsAboveAndBelow() {
        Letterbox box = Letterbox.fit(640, 480, 128);

        assertThat(box.scale()).isEqualTo(0.2);
        assertThat(box.padX()).isZero();
        assertThat(box.padY()).isEqualTo(16);
        assertThat(box.imageX(0)).isZero();
        assertThat(box.imageX(1)).isEqualTo(640);
        assertThat(box.imageY(16 / 128.0)).isCloseTo(0, within(1e-9));
        assertThat(box.imageY(112 / 128.0)).isCloseTo(480, within(1e-9));
    }

    @Test
    void writesBlackBarsAndTheImageScaledToMinusOneToOne() {
        byte[] rgb = new byte[64 * 32 * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) 255;
            rgb[i + 1] = (byte) 0;
            rgb[i + 2] = (byte) 128;
        }
        FloatBuffer out = FloatBuffer.allocate(128 * 128 * 3);

        Letterbox.fit(64, 32, 128).write(new RgbImage(64, 32, rgb), out);

        assertThat(out.position()).isEqualTo(128 * 128 * 3);
        // 64 x 32 scales to 128 x 64: rows 0-31 and 96-127 are bars
        assertThat(pixel(out, 10, 5)).containsExactly(-1f, -1f, -1f);
        assertThat(pixel(out, 10, 120)).containsExactly(-1f, -1f, -1f);
        assertThat(pixel(out, 64, 64)).containsExactly(1f, -1f, 128 / 127.5f - 1);
    }

    @Test
    void mergesOverlappingBoxesIntoTheirScoreWeightedMean() {
        float[] k = new float[12];
        float[] k2 = new float[12];
        Arrays.fill(k2, 1f);
        List<WeightedNms.Candidate> kept = WeightedNms.apply(List.of(
                new WeightedNms.Candidate(0.6f, 0.1f, 0.1f, 0.5f, 0.5f, k),
                new WeightedNms.Candidate(0.9f, 0.2f, 0.2f, 0.6f, 0.6f, k2),
                new WeightedNms.Candidate(0.7f, 0.7f, 0.7f, 0.9f, 0.9f, k)), 0.3f);

        assertThat(kept).hasSize(2);
        WeightedNms.Candidate merged = kept.get(0);
        assertThat(merged.score()).isEqualTo(0.9f);
        assertThat(merged.xMin()).isCloseTo((0.1f * 0.6f + 0.2f * 0.9f) / 1.5f, within(1e-6f));
        assertThat(merged.yMax()).isCloseTo((0.5f * 0.6f + 0.6f * 0.9f) / 1.5f, within(1e-6f));
        assertThat(merged.keypoints()[0]).isCloseTo(0.9f / 1.5f, within(1e-6f));
        assertThat(kept.get(1).xMin()).isEqualTo(0.7f);
    }

    @Test
    void rejectsThresholdsOutsideZeroToOne() {
        assertThatThrownBy(() -> new FaceDetectionAdapter(1.2f, 0.3f))
                .hasMessageContaining("minScore must be between 0 and 1");
        assertThatThrownBy(() -> new FaceDetectionAdapter(0.5f, 0f))
                .hasMessageContaining("minSuppressionIou must be between 0 and 1");
    }

    @Test
    void rejectsRastersThatDoNotMatchTheirSize() {
        assertThatThrownBy(() -> new RgbImage(4, 4, new byte[47]))
                .hasMessageContaining("a 4x4 RGB image needs 48 bytes, got 47");
        assertThatThrownBy(() -> new RgbImage(0, 4, new byte[0])).hasMessageContaining("image size must be");
        assertThatThrownBy(() -> RgbImage.fromPackedRgb(2, 2, new int[3])).hasMessageContaining("needs 4 pixels");
    }

    @Test
    void runsBatchesThroughTheBatchRunnerWithTheSameResultsAsOneByOne() throws Exception {
        List<RgbImage> images = List.of(
                FaceImages.rgb(FaceImages.astronaut()),
                FaceImages.rgb(FaceImages.noise(320, 240, 9)),
                FaceImages.rgb(FaceImages.transformed(FaceImages.astronaut(),
                        AffineTransform.getTranslateInstance(60, 20), 640, 480)),
                FaceImages.rgb(FaceImages.flat(200, 100, Color.DARK_GRAY)));
        MicroClock clock = MicroClock.system();
        RunnerOptions options = RunnerOptions.builder().maxBatchSize(8).queueCapacity(64).build();
        List<CompletableFuture<Inference<List<FaceDetection>>>> futures = new ArrayList<>();
        try (OnnxBatchRunner<RgbPixels, List<FaceDetection>> runner = new OnnxBatchRunner<>(
                FaceDetectionAdapter.bundledModel(), new FaceDetectionAdapter(), options, clock, images.get(0))) {
            long deadline = clock.nowMicros() + TimeUnit.MINUTES.toMicros(1);
            for (int round = 0; round < 5; round++) {
                for (RgbImage image : images) {
                    futures.add(runner.submit(image, deadline));
                }
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(1, TimeUnit.MINUTES);
        }

        List<List<FaceDetection>> alone = new ArrayList<>();
        try (BundledFaceDetector detector = new BundledFaceDetector()) {
            for (RgbImage image : images) {
                alone.add(detector.detect(image));
            }
        }
        for (int i = 0; i < futures.size(); i++) {
            Inference<List<FaceDetection>> inference = futures.get(i).get();
            assertThat(inference.isOk()).as("request %d: %s", i, inference.detail()).isTrue();
            List<FaceDetection> expected = alone.get(i % images.size());
            assertThat(inference.result()).as("request %d", i).hasSameSizeAs(expected);
            for (int f = 0; f < expected.size(); f++) {
                assertThat(inference.result().get(f).left()).isCloseTo(expected.get(f).left(), within(0.01f));
                assertThat(inference.result().get(f).keypoints())
                        .containsExactly(expected.get(f).keypoints(), within(0.01f));
            }
        }
        assertThat(futures.get(0).get().result()).hasSize(1);
        assertThat(futures.get(1).get().result()).isEmpty();
        assertThat(futures.get(2).get().result()).hasSize(1);
        assertThat(futures.get(3).get().result()).isEmpty();
    }

    private static float[] pixel(FloatBuffer out, int x, int y) {
        int i = (y * 128 + x) * 3;
        return new float[] {out.get(i), out.get(i + 1), out.get(i + 2)};
    }
}
