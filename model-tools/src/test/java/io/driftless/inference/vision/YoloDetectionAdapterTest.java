package io.driftless.inference.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.driftless.inference.Inference;
import io.driftless.inference.MicroClock;
import io.driftless.inference.face.RgbImage;
import io.driftless.inference.face.RgbPixels;
import io.driftless.inference.onnx.OnnxBatchRunner;
import io.driftless.inference.onnx.OnnxModelBuilder;
import io.driftless.inference.onnx.RunnerOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Decoding, class-wise NMS and the letterbox mapping, on ONNX Runtime with models of known output. */
class YoloDetectionAdapterTest {

    private static final long FAR = Long.MAX_VALUE / 2;
    private static final int SIZE = 64;
    private static final Labels LABELS = new Labels(List.of("cat", "dog"));
    private static final ImageInput INPUT = new ImageInput("images", SIZE, SIZE, ImageInput.TensorLayout.NCHW,
            ImageInput.ChannelOrder.RGB, new float[] {0, 0, 0}, new float[] {1, 1, 1}, ImageInput.Resize.LETTERBOX,
            114);

    /** Per anchor: cx, cy, w, h (model pixels), score of cat, score of dog. */
    private static final float[][] ANCHORS = {
        {20, 30, 10, 10, 0.9f, 0.1f}, // cat, kept
        {21, 30, 10, 10, 0.8f, 0.05f}, // cat over the first cat (IoU 0.82): suppressed
        {21, 30, 10, 10, 0.1f, 0.7f}, // dog on the same place: another class, kept
        {50, 50, 4, 4, 0.1f, 0.2f}, // under the minimum score
    };

    private static final byte[] RAW = KnownOutputModels.detector(SIZE, OnnxModelBuilder.BATCH,
            KnownOutputModels.rawLayout(ANCHORS), 6, ANCHORS.length).toByteArray();

    /** x1, y1, x2, y2, score, class; the zero row is the export's padding. */
    private static final float[] NMS_ROWS = {
        10, 20, 30, 40, 0.9f, 1,
        0, 0, 0, 0, 0, 0,
        5, 5, 60, 60, 0.3f, 0,
    };

    private static final byte[] NMS = KnownOutputModels.detector(SIZE, OnnxModelBuilder.BATCH, NMS_ROWS, 3, 6)
            .toByteArray();

    /**
     * YOLOv5's layout, a row an anchor: cx, cy, w, h (model pixels), objectness, score of cat, score
     * of dog. The same objects as {@link #ANCHORS}, each score now objectness times class score.
     */
    private static final float[][] V5_ANCHORS = {
        {20, 30, 10, 10, 0.9f, 1f, 0.1f}, // cat 0.9, kept
        {21, 30, 10, 10, 0.9f, 0.8f, 0}, // cat 0.72 over the first cat: suppressed
        {21, 30, 10, 10, 0.8f, 0.1f, 0.875f}, // dog 0.7 on the same place, kept
        {50, 50, 4, 4, 0.2f, 1f, 1f}, // objectness under the minimum score
        {40, 10, 6, 6, 0.5f, 0.42f, 0.3f}, // each over the minimum, their product (cat 0.21) under it
    };

    private static final byte[] V5 = KnownOutputModels.detector(SIZE, OnnxModelBuilder.BATCH,
            KnownOutputModels.rowPerAnchor(V5_ANCHORS), V5_ANCHORS.length, 7).toByteArray();

    private static RgbImage blank(int width, int height) {
        return new RgbImage(width, height, new byte[width * height * 3]);
    }

    private static List<List<ObjectDetection>> detectBatch(byte[] model, YoloDetectionAdapter adapter,
            RgbImage... frames) throws Exception {
        // one model call for the whole batch: the runner waits for the batch to fill while the model is busy
        try (OnnxBatchRunner<RgbPixels, List<ObjectDetection>> runner = new OnnxBatchRunner<>(model, adapter,
                RunnerOptions.builder().maxBatchSize(8).queueCapacity(64).build(), MicroClock.system(),
                blank(SIZE, SIZE))) {
            List<CompletableFuture<Inference<List<ObjectDetection>>>> futures = new ArrayList<>();
            for (RgbImage frame : frames) {
                futures.add(runner.submit(frame, FAR));
            }
            List<List<ObjectDetection>> results = new ArrayList<>();
            for (CompletableFuture<Inference<List<ObjectDetection>>> f : futures) {
                Inference<List<ObjectDetection>> result = f.join();
                assertThat(result.isOk()).as(result.detail()).isTrue();
                results.add(result.result());
            }
            return results;
        }
    }

    private static YoloDetectionAdapter adapter(YoloDetectionAdapter.OutputLayout layout, float minScore) {
        return new YoloDetectionAdapter("known", INPUT, "output0", layout, LABELS, minScore, 0.45f, 100);
    }

    @Test
    void rawLayoutKeepsTheBestBoxOfEachClassAndMapsItBackThroughTheLetterbox() throws Exception {
        // 128 x 64 letterboxed into 64 x 64: scale 0.5, 16 model pixels of border above and below
        List<List<ObjectDetection>> results = detectBatch(RAW, adapter(YoloDetectionAdapter.OutputLayout.RAW, 0.25f),
                blank(128, 64), blank(64, 128));
        List<ObjectDetection> wide = results.get(0);
        assertThat(wide).extracting(ObjectDetection::label).containsExactly("cat", "dog");
        assertBox(wide.get(0), 0.9f, 30, 18, 50, 38);
        assertBox(wide.get(1), 0.7f, 32, 18, 52, 38);
        // 64 x 128: the border is left and right now; the cat's left edge falls in it and is clipped
        List<ObjectDetection> tall = results.get(1);
        assertThat(tall).extracting(ObjectDetection::label).containsExactly("cat", "dog");
        assertBox(tall.get(0), 0.9f, 0, 50, 18, 70);
        assertBox(tall.get(1), 0.7f, 0, 50, 20, 70);
    }

    @Test
    void yolov5LayoutScoresObjectnessTimesClassAndMapsBackLikeTheRawLayout() throws Exception {
        List<List<ObjectDetection>> results = detectBatch(V5,
                adapter(YoloDetectionAdapter.OutputLayout.YOLOV5, 0.25f), blank(128, 64), blank(64, 128));
        List<ObjectDetection> wide = results.get(0);
        assertThat(wide).extracting(ObjectDetection::classId).containsExactly(0, 1);
        assertThat(wide).extracting(ObjectDetection::label).containsExactly("cat", "dog");
        assertBox(wide.get(0), 0.9f, 30, 18, 50, 38);
        assertBox(wide.get(1), 0.7f, 32, 18, 52, 38);
        List<ObjectDetection> tall = results.get(1);
        assertThat(tall).extracting(ObjectDetection::classId).containsExactly(0, 1);
        assertBox(tall.get(0), 0.9f, 0, 50, 18, 70);
        assertBox(tall.get(1), 0.7f, 0, 50, 20, 70);
    }

    @Test
    void yolov5LayoutKeepsTheProductAtTheMinimumAndSuppressesPerClass() throws Exception {
        // at 0.2 the fifth anchor's cat (0.5 x 0.42) is in, and the fourth (0.2 x 1: a score equal to the minimum)
        List<ObjectDetection> found = detectBatch(V5, adapter(YoloDetectionAdapter.OutputLayout.YOLOV5, 0.2f),
                blank(SIZE, SIZE)).get(0);
        assertThat(found).extracting(ObjectDetection::classId).containsExactly(0, 1, 0, 0);
        assertBox(found.get(2), 0.21f, 37, 7, 43, 13);
        assertBox(found.get(3), 0.2f, 48, 48, 52, 52);
    }

    @Test
    void nmsOverlapThresholdDecidesWhetherTheSecondCatStays() throws Exception {
        YoloDetectionAdapter lenient = new YoloDetectionAdapter("known", INPUT, "output0",
                YoloDetectionAdapter.OutputLayout.RAW, LABELS, 0.25f, 0.9f, 100);
        List<ObjectDetection> found = detectBatch(RAW, lenient, blank(SIZE, SIZE)).get(0);
        assertThat(found).extracting(ObjectDetection::label).containsExactly("cat", "cat", "dog");
        YoloDetectionAdapter capped = new YoloDetectionAdapter("known", INPUT, "output0",
                YoloDetectionAdapter.OutputLayout.RAW, LABELS, 0.25f, 0.9f, 1);
        assertThat(detectBatch(RAW, capped, blank(SIZE, SIZE)).get(0)).extracting(ObjectDetection::score)
                .containsExactly(0.9f);
    }

    @Test
    void minimumScoreDropsWeakAnchors() throws Exception {
        List<ObjectDetection> found = detectBatch(RAW, adapter(YoloDetectionAdapter.OutputLayout.RAW, 0.15f),
                blank(SIZE, SIZE)).get(0);
        // the fourth anchor's dog (0.2) is in now; boxes on a square frame are the model's own
        assertThat(found).extracting(ObjectDetection::label).containsExactly("cat", "dog", "dog");
        assertBox(found.get(2), 0.2f, 48, 48, 52, 52);
    }

    @Test
    void nmsLayoutSkipsPaddingAndWeakRowsAndMapsBack() throws Exception {
        List<List<ObjectDetection>> results = detectBatch(NMS, adapter(YoloDetectionAdapter.OutputLayout.NMS, 0.5f),
                blank(128, 64), blank(SIZE, SIZE));
        assertThat(results.get(0)).hasSize(1);
        ObjectDetection dog = results.get(0).get(0);
        assertThat(dog.label()).isEqualTo("dog");
        assertThat(dog.classId()).isEqualTo(1);
        assertBox(dog, 0.9f, 20, 8, 60, 48);
        assertThat(results.get(1)).singleElement().satisfies(d -> assertBox(d, 0.9f, 10, 20, 30, 40));
    }

    @Test
    void labelsThatDoNotCoverAClassFallBackToItsIndex() throws Exception {
        YoloDetectionAdapter unlabelled = new YoloDetectionAdapter("known", INPUT, "output0",
                YoloDetectionAdapter.OutputLayout.RAW, Labels.NONE, 0.25f, 0.45f, 100);
        assertThat(detectBatch(RAW, unlabelled, blank(SIZE, SIZE)).get(0)).extracting(ObjectDetection::label)
                .containsExactly("0", "1");
    }

    private static void assertBox(ObjectDetection d, float score, float left, float top, float right, float bottom) {
        assertThat(d.score()).isCloseTo(score, within(1e-6f));
        assertThat(new float[] {d.left(), d.top(), d.right(), d.bottom()})
                .containsExactly(new float[] {left, top, right, bottom}, within(1e-3f));
    }
}
