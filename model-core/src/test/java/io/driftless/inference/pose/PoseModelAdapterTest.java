package io.driftless.inference.pose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PoseModelAdapterTest {

    private static BundledPoseModel model;

    @BeforeAll
    static void loadModel() throws Exception {
        model = new BundledPoseModel();
    }

    @AfterAll
    static void closeModel() throws OrtException {
        model.close();
    }

    @Test
    void bundledModelHasTheDocumentedTensors() throws OrtException {
        Map<String, NodeInfo> inputs = model.session.getInputInfo();
        Map<String, NodeInfo> outputs = model.session.getOutputInfo();

        assertThat(model.adapter.modelName()).isEqualTo("pose-v1");
        assertThat(inputs).containsOnlyKeys(PoseModelAdapter.INPUT_NAME);
        assertThat(((TensorInfo) inputs.get(PoseModelAdapter.INPUT_NAME).getInfo()).getShape())
                .containsExactly(-1, PoseModelAdapter.FEATURE_COUNT);
        assertThat(outputs).containsOnlyKeys(PoseModelAdapter.OUTPUT_NAME);
        assertThat(((TensorInfo) outputs.get(PoseModelAdapter.OUTPUT_NAME).getInfo()).getShape())
                .containsExactly(-1, PoseModelAdapter.OUTPUT_COUNT);
    }

    @Test
    void encodePacksTheWholeBatchIntoOneFeatureTensor() throws OrtException {
        List<FaceKeypoints> batch = observedFaces(new Random(31), 7, 1.5);

        Map<String, OnnxTensor> inputs = model.adapter.encode(model.env, batch);
        try {
            OnnxTensor tensor = inputs.get(PoseModelAdapter.INPUT_NAME);
            assertThat(inputs).hasSize(1);
            assertThat(tensor.getInfo().getShape()).containsExactly(7, PoseModelAdapter.FEATURE_COUNT);
            FloatBuffer packed = tensor.getFloatBuffer();
            for (FaceKeypoints keypoints : batch) {
                FloatBuffer row = FloatBuffer.allocate(PoseFeatures.COUNT);
                PoseFeatures.write(keypoints, row);
                for (float expected : row.array()) {
                    assertThat(packed.get()).isEqualTo(expected);
                }
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Test
    void aBatchGivesTheSameEstimatesAsOneRequestAtATime() throws OrtException {
        List<FaceKeypoints> batch = observedFaces(new Random(32), 33, 1.5);

        List<PoseEstimate> together = model.estimate(batch);
        List<PoseEstimate> oneByOne = new ArrayList<>();
        for (FaceKeypoints keypoints : batch) {
            oneByOne.addAll(model.estimate(List.of(keypoints)));
        }

        assertThat(together).hasSize(batch.size()).isEqualTo(oneByOne);
    }

    @Test
    void recoversAKnownPoseFromNoiseFreeKeypoints() throws OrtException {
        PinholeCamera camera = PinholeCamera.withHorizontalFov(1280, 720, 60);
        HeadPose truth = new HeadPose(25, -10, 8, 0.05, -0.02, 0.5);
        FaceKeypoints keypoints = new FaceKeypoints(
                FaceGeometry.projectKeypoints(truth, camera), 1280, 720, (float) camera.focalPx());

        PoseEstimate estimate = model.estimate(List.of(keypoints)).get(0);

        assertThat(estimate.pose().yawDeg()).isCloseTo(25, within(1.0));
        assertThat(estimate.pose().pitchDeg()).isCloseTo(-10, within(1.0));
        assertThat(estimate.pose().rollDeg()).isCloseTo(8, within(1.0));
        assertThat(estimate.pose().xM()).isCloseTo(0.05, within(0.005));
        assertThat(estimate.pose().yM()).isCloseTo(-0.02, within(0.005));
        assertThat(estimate.pose().zM()).isCloseTo(0.5, within(0.01));
        assertThat(estimate.confidence()).isGreaterThan(0.95f);
    }

    @Test
    void confidenceIsHighForRealFacesAndLowForRandomKeypoints() throws OrtException {
        Random random = new Random(33);
        List<FaceKeypoints> real = observedFaces(random, 500, 1.5);
        List<FaceKeypoints> garbage = new ArrayList<>();
        for (FaceKeypoints face : real) {
            float[] xy = new float[face.xy().length];
            for (int i = 0; i < xy.length; i += 2) {
                xy[i] = random.nextFloat() * face.imageWidth();
                xy[i + 1] = random.nextFloat() * face.imageHeight();
            }
            garbage.add(new FaceKeypoints(xy, face.imageWidth(), face.imageHeight(), face.focalLengthPx()));
        }

        List<PoseEstimate> realEstimates = model.estimate(real);
        List<PoseEstimate> garbageEstimates = model.estimate(garbage);

        assertThat(fractionAbove(realEstimates, 0.5f)).as("real faces above 0.5").isGreaterThan(0.99);
        assertThat(fractionAbove(garbageEstimates, 0.2f)).as("random keypoints above 0.2").isLessThan(0.02);
        assertThat(realEstimates).allSatisfy(e -> assertThat(e.confidence()).isPositive().isLessThanOrEqualTo(1f));
        assertThat(garbageEstimates).allSatisfy(e -> assertThat(e.confidence()).isPositive());
    }

    @Test
    void encodeRejectsKeypointsTheModelCannotTake() {
        List<FaceKeypoints> batch = List.of(new FaceKeypoints(new float[8], 640, 480, 0));

        assertThatThrownBy(() -> model.adapter.encode(model.env, batch))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pose model input rejected: expected 12 keypoint coordinates (6 points), got 8");
    }

    @Test
    void decodeRefusesOutputsOfAnotherBatchSize() throws OrtException {
        List<FaceKeypoints> two = observedFaces(new Random(34), 2, 0);
        List<FaceKeypoints> three = observedFaces(new Random(35), 3, 0);

        Map<String, OnnxTensor> inputs = model.adapter.encode(model.env, two);
        try (OrtSession.Result outputs = model.session.run(inputs)) {
            assertThatThrownBy(() -> model.adapter.decode(outputs, three))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("model output 'head_pose' has shape [2, 6], expected [3, 6]");
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    static List<FaceKeypoints> observedFaces(Random random, int count, double noisePx) {
        List<FaceKeypoints> faces = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            faces.add(SyntheticFaces.next(random).observe(random, noisePx));
        }
        return faces;
    }

    private static double fractionAbove(List<PoseEstimate> estimates, float threshold) {
        return estimates.stream().filter(e -> e.confidence() > threshold).count() / (double) estimates.size();
    }
}
