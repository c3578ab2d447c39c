package io.driftless.inference.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.driftless.inference.Inference;
import io.driftless.inference.MicroClock;
import io.driftless.inference.face.RgbImage;
import io.driftless.inference.face.RgbPixels;
import io.driftless.inference.onnx.OnnxBatchRunner;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.vision.ImageInput.ChannelOrder;
import io.driftless.inference.vision.ImageInput.TensorLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Normalisation, channel order, layout, softmax and top-k, on ONNX Runtime with a classifier
 * whose logits are the mean of each input channel: a red frame's logits are its normalised red.
 */
class ClassificationAdapterTest {

    private static final long FAR = Long.MAX_VALUE / 2;
    private static final int SIZE = 8;

    private static RgbImage solid(int width, int height, int r, int g, int b) {
        byte[] rgb = new byte[width * height * 3];
        for (int i = 0; i < width * height; i++) {
            rgb[3 * i] = (byte) r;
            rgb[3 * i + 1] = (byte) g;
            rgb[3 * i + 2] = (byte) b;
        }
        return new RgbImage(width, height, rgb);
    }

    private static List<ClassScore> classify(TensorLayout layout, ChannelOrder channels, float[] mean, float[] std,
            ClassificationAdapter.Scores scores, List<String> labels, int topK, RgbImage frame) throws Exception {
        ImageInput input = new ImageInput("pixels", SIZE, SIZE, layout, channels, mean, std,
                ImageInput.Resize.STRETCH, 0);
        ClassificationAdapter adapter = new ClassificationAdapter("means", input, "logits", scores,
                new Labels(labels), topK);
        try (OnnxBatchRunner<RgbPixels, List<ClassScore>> runner = new OnnxBatchRunner<>(
                KnownOutputModels.channelMeans(layout, SIZE).toByteArray(), adapter, RunnerOptions.DEFAULTS,
                MicroClock.system(), solid(SIZE, SIZE, 0, 0, 0))) {
            Inference<List<ClassScore>> result = runner.submit(frame, FAR).join();
            assertThat(result.isOk()).as(result.detail()).isTrue();
            return result.result();
        }
    }

    private static final float[] ZERO = {0, 0, 0};
    private static final float[] ONE = {1, 1, 1};

    @Test
    void logitsGetSoftmaxAndComeBestFirst() throws Exception {
        // a red 640 x 480 frame, stretched to 8 x 8: logits (1, 0, 0)
        List<ClassScore> top = classify(TensorLayout.NCHW, ChannelOrder.RGB, ZERO, ONE,
                ClassificationAdapter.Scores.LOGITS, List.of("red", "green", "blue"), 3, solid(640, 480, 255, 0, 0));
        double e = Math.E;
        assertThat(top).extracting(ClassScore::label).containsExactly("red", "green", "blue");
        assertThat(top.get(0).score()).isCloseTo((float) (e / (e + 2)), within(1e-5f));
        assertThat(top.get(1).score()).isCloseTo((float) (1 / (e + 2)), within(1e-5f));
        assertThat(top.stream().mapToDouble(ClassScore::score).sum()).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void meanAndStdNormaliseEachChannel() throws Exception {
        // (1 - 0.5) / 0.25 = 2 for full blue, (0 - 0.5) / 0.25 = -2 for the others
        List<ClassScore> top = classify(TensorLayout.NCHW, ChannelOrder.RGB, new float[] {0.5f, 0.5f, 0.5f},
                new float[] {0.25f, 0.25f, 0.25f}, ClassificationAdapter.Scores.LOGITS,
                List.of("red", "green", "blue"), 1, solid(32, 32, 0, 0, 255));
        double expected = Math.exp(2) / (Math.exp(2) + 2 * Math.exp(-2));
        assertThat(top).singleElement().satisfies(c -> {
            assertThat(c.label()).isEqualTo("blue");
            assertThat(c.classId()).isEqualTo(2);
            assertThat(c.score()).isCloseTo((float) expected, within(1e-5f));
        });
    }

    @Test
    void bgrModelsSeeBlueFirst() throws Exception {
        List<ClassScore> top = classify(TensorLayout.NCHW, ChannelOrder.BGR, ZERO, ONE,
                ClassificationAdapter.Scores.PROBABILITIES, List.of("blue", "green", "red"), 1,
                solid(16, 16, 255, 0, 0));
        assertThat(top).singleElement().satisfies(c -> {
            assertThat(c.label()).isEqualTo("red");
            // probabilities are taken as they are: the red channel's mean, 1
            assertThat(c.score()).isCloseTo(1f, within(1e-5f));
        });
    }

    @Test
    void nhwcModelsGetChannelsLast() throws Exception {
        List<ClassScore> top = classify(TensorLayout.NHWC, ChannelOrder.RGB, ZERO, ONE,
                ClassificationAdapter.Scores.PROBABILITIES, List.of("red", "green", "blue"), 2,
                solid(10, 20, 0, 128, 64));
        assertThat(top).extracting(ClassScore::label).containsExactly("green", "blue");
        assertThat(top.get(0).score()).isCloseTo(128 / 255f, within(1e-5f));
        assertThat(top.get(1).score()).isCloseTo(64 / 255f, within(1e-5f));
    }

    @Test
    void softmaxOfLargeLogitsStaysFinite() {
        float[] logits = {1000f, 999f, -1000f};
        ClassificationAdapter.softmax(logits);
        assertThat(logits[0]).isCloseTo((float) (1 / (1 + Math.exp(-1))), within(1e-6f));
        assertThat(logits[2]).isZero();
    }
}
