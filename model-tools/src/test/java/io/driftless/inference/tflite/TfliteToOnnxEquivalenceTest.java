package io.driftless.inference.tflite;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.ModelFiles;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped face detector, converted by this project, computes what the original does: the
 * original {@code .tflite} runs in Google's TFLite runtime, the converted model in ONNX Runtime,
 * on the same inputs, and both outputs agree within float tolerance.
 */
class TfliteToOnnxEquivalenceTest {

    static final String TFLITE = "models/face/face_detection_short_range.tflite";
    static final String ONNX = "models/face/face_detection_short_range.onnx";
    private static final int SIDE = 128;
    private static final int INPUT_SIZE = SIDE * SIDE * 3;
    /**
     * Both runtimes sum fp32 products in different orders (TFLite's XNNPACK kernels fuse
     * differently): differences stay below 2e-4 on outputs of magnitude ~100. Out-of-range inputs
     * (a black frame drives regressors to ~10^4) are held to a few float ulps of the largest output.
     */
    private static final double TOLERANCE = 1e-3;
    private static final double RELATIVE_TOLERANCE = 1e-6;

    private static OrtEnvironment env;
    private static OrtSession session;
    private static TfliteReferenceRuntime reference;

    @BeforeAll
    static void loadBothModels() throws Exception {
        env = OrtEnvironment.getEnvironment();
        session = env.createSession(ModelFiles.read(ModelFiles.CLASSPATH + ONNX), new OrtSession.SessionOptions());
        reference = new TfliteReferenceRuntime(ModelFiles.read(ModelFiles.CLASSPATH + TFLITE));
    }

    @AfterAll
    static void close() throws Exception {
        session.close();
        reference.close();
    }

    @Test
    void matchesTheOriginalOnRandomInputs() throws Exception {
        Random random = new Random(20261121L);
        for (int i = 0; i < 5; i++) {
            float[] input = new float[INPUT_SIZE];
            for (int j = 0; j < input.length; j++) {
                input[j] = random.nextFloat() * 2 - 1;
            }
            assertSameOutputs("random input " + i, input);
        }
    }

    @Test
    void matchesTheOriginalOnARealFace() throws Exception {
        float[] input = faceImageInput();
        Map<String, float[]> expected = assertSameOutputs("face photo", input);
        // the photo holds a face: the comparison covered confident detections, not just noise
        float best = Float.NEGATIVE_INFINITY;
        for (float logit : expected.get("classificators")) {
            best = Math.max(best, logit);
        }
        assertThat(best).as("highest face logit on the photo").isGreaterThan(2f);
    }

    @Test
    void matchesTheOriginalOnFlatImages() throws Exception {
        for (float level : new float[] {-1f, 0f, 1f}) {
            float[] input = new float[INPUT_SIZE];
            Arrays.fill(input, level);
            assertSameOutputs("flat image at " + level, input);
        }
    }

    @Test
    void runsABatchAsItRunsEachImage() throws Exception {
        Random random = new Random(5L);
        List<float[]> inputs = new ArrayList<>();
        inputs.add(faceImageInput());
        for (int i = 0; i < 2; i++) {
            float[] input = new float[INPUT_SIZE];
            for (int j = 0; j < input.length; j++) {
                input[j] = random.nextFloat() * 2 - 1;
            }
            inputs.add(input);
        }
        FloatBuffer batch = FloatBuffer.allocate(inputs.size() * INPUT_SIZE);
        inputs.forEach(batch::put);
        batch.rewind();
        Map<String, float[]> batched = runOnnx(batch, inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            Map<String, float[]> single = runOnnx(FloatBuffer.wrap(inputs.get(i)), 1);
            for (String name : single.keySet()) {
                float[] one = single.get(name);
                float[] slice = Arrays.copyOfRange(batched.get(name), i * one.length, (i + 1) * one.length);
                assertThat(maxAbsDifference(one, slice)).as("%s of image %d, batch vs single", name, i)
                        .isLessThan(1e-4);
            }
        }
    }

    private static Map<String, float[]> assertSameOutputs(String what, float[] input) throws Exception {
        Map<String, float[]> expected = reference.run(input);
        Map<String, float[]> actual = runOnnx(FloatBuffer.wrap(input), 1);
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        assertThat(expected.get("regressors")).hasSize(896 * 16);
        assertThat(expected.get("classificators")).hasSize(896);
        for (String name : expected.keySet()) {
            double diff = maxAbsDifference(expected.get(name), actual.get(name));
            double scale = 0;
            for (float v : expected.get(name)) {
                scale = Math.max(scale, Math.abs(v));
            }
            System.out.printf("max |tflite - onnx| of %s on %s: %.3g (max |output| %.3g)%n", name, what, diff, scale);
            assertThat(diff).as("max absolute difference of %s on %s (largest output %.3g)", name, what, scale)
                    .isLessThanOrEqualTo(Math.max(TOLERANCE, RELATIVE_TOLERANCE * scale));
        }
        return expected;
    }

    private static Map<String, float[]> runOnnx(FloatBuffer input, int batch) throws Exception {
        Map<String, float[]> outputs = new LinkedHashMap<>();
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, input, new long[] {batch, SIDE, SIDE, 3});
                OrtSession.Result result = session.run(Map.of("input", tensor))) {
            for (Map.Entry<String, OnnxValue> e : result) {
                FloatBuffer values = ((OnnxTensor) e.getValue()).getFloatBuffer();
                float[] copy = new float[values.remaining()];
                values.get(copy);
                outputs.put(e.getKey(), copy);
            }
        }
        return outputs;
    }

    private static double maxAbsDifference(float[] a, float[] b) {
        assertThat(b).hasSameSizeAs(a);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }

    /** The test photo squeezed to 128 x 128 and scaled to [-1, 1], NHWC: a real input, independently prepared. */
    private static float[] faceImageInput() throws Exception {
        BufferedImage photo;
        try (InputStream in = TfliteToOnnxEquivalenceTest.class.getResourceAsStream("/faces/astronaut.jpg")) {
            photo = ImageIO.read(in);
        }
        BufferedImage small = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(photo, 0, 0, SIDE, SIDE, null);
        g.dispose();
        float[] input = new float[INPUT_SIZE];
        int i = 0;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int p = small.getRGB(x, y);
                input[i++] = ((p >> 16) & 0xFF) / 127.5f - 1;
                input[i++] = ((p >> 8) & 0xFF) / 127.5f - 1;
                input[i++] = (p & 0xFF) / 127.5f - 1;
            }
        }
        return input;
    }
}
