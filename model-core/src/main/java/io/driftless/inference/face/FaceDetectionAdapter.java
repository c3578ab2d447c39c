package io.driftless.inference.face;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.ModelAdapter;
import io.driftless.inference.ModelFiles;
import io.driftless.inference.onnx.InputTensorMemory;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * MediaPipe's BlazeFace short-range face detector: an RGB image of any size in, the faces in it
 * out, each a box and six keypoints in the image's pixels.
 *
 * <p>The model ({@value #BUNDLED_MODEL}, converted from MediaPipe's {@code .tflite} by {@link
 * io.driftless.inference.tflite.TfliteToOnnxConverter}) takes {@value #INPUT_NAME}, float
 * {@code [N, 128, 128, 3]}, NHWC, RGB in [-1, 1], and gives {@value #REGRESSORS_NAME} {@code [N,
 * 896, 16]} (per anchor: box centre x, y, width, height, then six keypoints x, y, in input pixels
 * relative to the anchor) and {@value #SCORES_NAME} {@code [N, 896, 1]} (logits). This adapter
 * does what MediaPipe's face detection graph does around it: letterbox to 128 x 128, decode
 * against the SSD anchors, sigmoid scores clipped to ±100 logits, keep scores of at least the
 * minimum, weighted non-max suppression, and map back through the letterbox. It is meant for
 * faces that fill a fair part of the frame (short range, within about 2 m of a phone camera).
 *
 * <pre>{@code
 * FaceDetectionAdapter adapter = new FaceDetectionAdapter();
 * OnnxBatchRunner<RgbPixels, List<FaceDetection>> runner = new OnnxBatchRunner<>(
 *         FaceDetectionAdapter.bundledModel(), adapter, options, clock, warmUpImage);
 * runner.submit(image, deadlineMicros).thenAccept(result -> ...);
 * }</pre>
 */
public final class FaceDetectionAdapter implements ModelAdapter<RgbPixels, List<FaceDetection>> {

    public static final String MODEL_NAME = "blazeface-short-range";
    public static final String BUNDLED_MODEL = "models/face/face_detection_short_range.onnx";
    public static final String INPUT_NAME = "input";
    public static final String REGRESSORS_NAME = "regressors";
    public static final String SCORES_NAME = "classificators";
    public static final int INPUT_SIZE = 128;
    /** MediaPipe's face detection graph's threshold. */
    public static final float DEFAULT_MIN_SCORE = 0.5f;
    /** MediaPipe's face detection graph's overlap that merges two boxes into one face. */
    public static final float DEFAULT_MIN_SUPPRESSION_IOU = 0.3f;

    private static final int COORDINATES = 16;
    private static final int KEYPOINT_OFFSET = 4;
    private static final float SCORE_CLIPPING = 100f;
    private static final SsdAnchors ANCHORS = SsdAnchors.FACE_SHORT_RANGE;

    private final float minScore;
    private final float minSuppressionIou;
    private final InputTensorMemory inputMemory = new InputTensorMemory();

    /** The detector with MediaPipe's thresholds. */
    public FaceDetectionAdapter() {
        this(DEFAULT_MIN_SCORE, DEFAULT_MIN_SUPPRESSION_IOU);
    }

    /**
     * @param minScore the lowest score reported as a face, in (0, 1)
     * @param minSuppressionIou overlap above which two boxes are taken as one face, in (0, 1)
     */
    public FaceDetectionAdapter(float minScore, float minSuppressionIou) {
        if (!(minScore > 0 && minScore < 1)) {
            throw new IllegalArgumentException("minScore must be between 0 and 1 (exclusive), got " + minScore);
        }
        if (!(minSuppressionIou > 0 && minSuppressionIou < 1)) {
            throw new IllegalArgumentException(
                    "minSuppressionIou must be between 0 and 1 (exclusive), got " + minSuppressionIou);
        }
        this.minScore = minScore;
        this.minSuppressionIou = minSuppressionIou;
    }

    /** The bytes of {@link #BUNDLED_MODEL}, for {@code OrtEnvironment.createSession(byte[], ...)}. */
    public static byte[] bundledModel() {
        return ModelFiles.read(ModelFiles.CLASSPATH + BUNDLED_MODEL);
    }

    @Override
    public String modelName() {
        return MODEL_NAME;
    }

    @Override
    public Map<String, OnnxTensor> encode(OrtEnvironment env, List<RgbPixels> batch) throws OrtException {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one image");
        }
        int perImage = INPUT_SIZE * INPUT_SIZE * 3;
        // direct and native-order: ONNX Runtime reads it in place, without a copy
        FloatBuffer pixels = inputMemory.take(batch.size() * perImage);
        for (RgbPixels image : batch) {
            Letterbox.fit(image.width(), image.height(), INPUT_SIZE).write(image, pixels);
        }
        pixels.rewind();
        return Map.of(INPUT_NAME, OnnxTensor.createTensor(env, pixels,
                new long[] {batch.size(), INPUT_SIZE, INPUT_SIZE, 3}));
    }

    @Override
    public List<List<FaceDetection>> decode(OrtSession.Result outputs, List<RgbPixels> batch) throws OrtException {
        float[] regressors = output(outputs, REGRESSORS_NAME, batch.size(), COORDINATES);
        float[] scores = output(outputs, SCORES_NAME, batch.size(), 1);
        List<List<FaceDetection>> results = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            RgbPixels image = batch.get(i);
            results.add(detect(regressors, scores, i,
                    Letterbox.fit(image.width(), image.height(), INPUT_SIZE)));
        }
        return results;
    }

    /** The faces of image {@code i} of a batch, best first. */
    private List<FaceDetection> detect(float[] regressors, float[] logits, int i, Letterbox letterbox) {
        int anchors = ANCHORS.count();
        List<WeightedNms.Candidate> candidates = new ArrayList<>();
        for (int a = 0; a < anchors; a++) {
            float logit = Math.max(-SCORE_CLIPPING, Math.min(SCORE_CLIPPING, logits[i * anchors + a]));
            float score = (float) (1 / (1 + Math.exp(-logit)));
            if (!(score >= minScore)) {
                // written so that a NaN score is skipped too
                continue;
            }
            candidates.add(candidate(regressors, (i * anchors + a) * COORDINATES, a, score));
        }
        List<FaceDetection> faces = new ArrayList<>();
        for (WeightedNms.Candidate c : WeightedNms.apply(candidates, minSuppressionIou)) {
            faces.add(toImage(c, letterbox));
        }
        return faces;
    }

    /**
     * Decodes one anchor's regression (MediaPipe's {@code TensorsToDetectionsCalculator} with
     * scales of 128 and unit anchors): offsets and sizes are in input pixels, relative to the
     * anchor's centre.
     */
    private static WeightedNms.Candidate candidate(float[] r, int offset, int anchor, float score) {
        float ax = ANCHORS.x(anchor);
        float ay = ANCHORS.y(anchor);
        float cx = r[offset] / INPUT_SIZE + ax;
        float cy = r[offset + 1] / INPUT_SIZE + ay;
        float w = r[offset + 2] / INPUT_SIZE;
        float h = r[offset + 3] / INPUT_SIZE;
        float[] keypoints = new float[FaceDetection.KEYPOINT_COUNT * 2];
        for (int k = 0; k < FaceDetection.KEYPOINT_COUNT; k++) {
            keypoints[2 * k] = r[offset + KEYPOINT_OFFSET + 2 * k] / INPUT_SIZE + ax;
            keypoints[2 * k + 1] = r[offset + KEYPOINT_OFFSET + 2 * k + 1] / INPUT_SIZE + ay;
        }
        return new WeightedNms.Candidate(score, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, keypoints);
    }

    private static FaceDetection toImage(WeightedNms.Candidate c, Letterbox letterbox) {
        float left = (float) letterbox.imageX(c.xMin());
        float top = (float) letterbox.imageY(c.yMin());
        float right = (float) letterbox.imageX(c.xMax());
        float bottom = (float) letterbox.imageY(c.yMax());
        float[] keypoints = new float[c.keypoints().length];
        for (int k = 0; k < keypoints.length; k += 2) {
            keypoints[k] = (float) letterbox.imageX(c.keypoints()[k]);
            keypoints[k + 1] = (float) letterbox.imageY(c.keypoints()[k + 1]);
        }
        return new FaceDetection(c.score(), left, top, right - left, bottom - top, keypoints);
    }

    private static float[] output(OrtSession.Result outputs, String name, int batch, int width) throws OrtException {
        OnnxValue value = outputs.get(name).orElseThrow(() -> new IllegalStateException(
                "model output '" + name + "' is missing; is this a " + MODEL_NAME + " model?"));
        if (!(value instanceof OnnxTensor tensor)) {
            throw new IllegalStateException("model output '" + name + "' is not a tensor");
        }
        long[] shape = tensor.getInfo().getShape();
        if (shape.length != 3 || shape[0] != batch || shape[1] != ANCHORS.count() || shape[2] != width) {
            throw new IllegalStateException("model output '" + name + "' has shape " + Arrays.toString(shape)
                    + ", expected [" + batch + ", " + ANCHORS.count() + ", " + width + "]");
        }
        float[] raw = new float[batch * ANCHORS.count() * width];
        tensor.getFloatBuffer().get(raw);
        return raw;
    }
}
