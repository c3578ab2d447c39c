package io.driftless.inference.pose;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.ModelAdapter;
import io.driftless.inference.onnx.InputTensorMemory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The pose model: six face keypoints in, head pose and confidence out.
 *
 * <p>The model takes one float tensor {@value #INPUT_NAME} of shape {@code [N, }{@value
 * #FEATURE_COUNT}{@code ]} (see {@link PoseFeatures}) and gives {@value #OUTPUT_NAME} of shape
 * {@code [N, }{@value #OUTPUT_COUNT}{@code ]} (see {@link PoseOutputs}). Usage:
 *
 * <pre>{@code
 * PoseModelAdapter adapter = new PoseModelAdapter();
 * try (OrtSession session = env.createSession(PoseModelAdapter.bundledModel(), options)) {
 *     Map<String, OnnxTensor> inputs = adapter.encode(env, batch);
 *     try (OrtSession.Result out = session.run(inputs)) {
 *         List<PoseEstimate> poses = adapter.decode(out, batch);
 *     } finally {
 *         inputs.values().forEach(OnnxTensor::close);
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #decode} takes the network's pose one Gauss–Newton step closer to the keypoints ({@link
 * KeypointFit#refine}): on the synthetic users' noisy keypoints that step leaves a few percent less
 * drift (docs/drift.md).
 *
 * <p>Inputs must pass {@link PoseFeatures#invalidReason}; {@link #encode} rejects the whole batch
 * otherwise, so admit requests with that check first.
 */
public final class PoseModelAdapter implements ModelAdapter<FaceKeypoints, PoseEstimate> {

    public static final String MODEL_NAME = "pose-v1";
    /** The model trained by {@code PoseModelTrainer} (model-tools), as a classpath resource name. */
    public static final String BUNDLED_MODEL = "models/pose/pose-v1.onnx";
    public static final String INPUT_NAME = "keypoint_features";
    public static final String OUTPUT_NAME = "head_pose";
    public static final int FEATURE_COUNT = PoseFeatures.COUNT;
    public static final int OUTPUT_COUNT = PoseOutputs.COUNT;

    private final InputTensorMemory inputMemory = new InputTensorMemory();
    private final KeypointFit fit = new KeypointFit();

    /** The bytes of {@link #BUNDLED_MODEL}, for {@code OrtEnvironment.createSession(byte[], ...)}. */
    public static byte[] bundledModel() throws IOException {
        try (InputStream in = PoseModelAdapter.class.getClassLoader().getResourceAsStream(BUNDLED_MODEL)) {
            if (in == null) {
                throw new IOException("classpath resource " + BUNDLED_MODEL + " not found; the"
                        + " model-core jar carries it, so check that jar is on the classpath");
            }
            return in.readAllBytes();
        }
    }

    @Override
    public String modelName() {
        return MODEL_NAME;
    }

    @Override
    public Map<String, OnnxTensor> encode(OrtEnvironment env, List<FaceKeypoints> batch) throws OrtException {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one request");
        }
        // direct and native-order: ONNX Runtime reads it in place, without a copy
        FloatBuffer features = inputMemory.take(batch.size() * FEATURE_COUNT);
        for (FaceKeypoints keypoints : batch) {
            PoseFeatures.write(keypoints, features);
        }
        features.rewind();
        return Map.of(INPUT_NAME,
                OnnxTensor.createTensor(env, features, new long[] {batch.size(), FEATURE_COUNT}));
    }

    @Override
    public List<PoseEstimate> decode(OrtSession.Result outputs, List<FaceKeypoints> batch) throws OrtException {
        OnnxValue value = outputs.get(OUTPUT_NAME).orElseThrow(() -> new IllegalStateException(
                "model output '" + OUTPUT_NAME + "' is missing; is this a " + MODEL_NAME + " model?"));
        if (!(value instanceof OnnxTensor tensor)) {
            throw new IllegalStateException("model output '" + OUTPUT_NAME + "' is not a tensor");
        }
        long[] shape = tensor.getInfo().getShape();
        if (shape.length != 2 || shape[0] != batch.size() || shape[1] != OUTPUT_COUNT) {
            throw new IllegalStateException("model output '" + OUTPUT_NAME + "' has shape "
                    + Arrays.toString(shape) + ", expected [" + batch.size() + ", " + OUTPUT_COUNT + "]");
        }
        float[] raw = new float[batch.size() * OUTPUT_COUNT];
        tensor.getFloatBuffer().get(raw);
        List<PoseEstimate> estimates = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            FaceKeypoints keypoints = batch.get(i);
            PinholeCamera camera = PoseFeatures.camera(keypoints);
            PoseFeatures.Normalization n = PoseFeatures.normalization(keypoints.xy(), camera);
            // the network lands near the least-squares fit; one step takes it there
            HeadPose pose = fit.refine(PoseOutputs.decode(raw, i * OUTPUT_COUNT, n), keypoints.xy(), camera);
            estimates.add(new PoseEstimate(pose, PoseOutputs.confidence(pose, keypoints.xy(), camera, n)));
        }
        return estimates;
    }
}
