package io.driftless.inference.pose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fit against known faces, and against the shipped model's errors on the synthetic users' noise. */
class KeypointFitTest {

    private static final double NOISE_PX = 1.5;
    private static final PinholeCamera CAMERA = PinholeCamera.withHorizontalFov(640, 480, 60);

    private static BundledPoseModel model;

    @BeforeAll
    static void load() throws Exception {
        model = new BundledPoseModel();
    }

    @AfterAll
    static void close() throws Exception {
        model.close();
    }

    @Test
    void oneStepFromANearbyPoseLandsOnExactKeypoints() {
        HeadPose truth = new HeadPose(25, -10, 5, 0.04, -0.02, 0.55);
        float[] xy = FaceGeometry.projectKeypoints(truth, CAMERA);
        HeadPose start = new HeadPose(25.6, -9.5, 5.4, 0.042, -0.019, 0.56);

        HeadPose fitted = new KeypointFit().refine(start, xy, CAMERA);

        assertThat(fitted.rotationErrorDeg(truth)).isLessThan(0.05);
        assertThat(fitted.zM()).isCloseTo(truth.zM(), within(0.0005));
        assertThat(fitted.xM()).isCloseTo(truth.xM(), within(0.0002));
    }

    @Test
    void keepsThePoseWhereAKeypointIsBehindTheCamera() {
        HeadPose truth = new HeadPose(10, 5, 0, 0, 0, 0.5);
        float[] xy = FaceGeometry.projectKeypoints(truth, CAMERA);
        HeadPose behind = new HeadPose(0, 0, 0, 0, 0, -0.5);

        assertThat(new KeypointFit().refine(behind, xy, CAMERA)).isSameAs(behind);
        assertThat(new KeypointFit().covariance(behind, CAMERA, NOISE_PX, new double[36])).isFalse();
    }

    @Test
    void theAdaptersPosesPutTheAnchorsCloserToTheTruthThanTheNetworksOwn() throws Exception {
        List<SyntheticFaces.Face> faces = faces(new Random(41), 2_000);
        List<FaceKeypoints> keypoints = observe(faces, new Random(42));
        PoseAccuracy.Accumulator network = new PoseAccuracy.Accumulator(NOISE_PX);
        PoseAccuracy.Accumulator adapter = new PoseAccuracy.Accumulator(NOISE_PX);
        double networkPx = 0, adapterPx = 0;

        List<HeadPose> raw = networkPoses(keypoints);
        List<PoseEstimate> refined = model.estimate(keypoints);
        for (int i = 0; i < faces.size(); i++) {
            HeadPose truth = faces.get(i).pose();
            network.add(truth, raw.get(i));
            adapter.add(truth, refined.get(i).pose());
            networkPx += anchorErrorPx(truth, raw.get(i));
            adapterPx += anchorErrorPx(truth, refined.get(i).pose());
        }

        System.out.printf("anchors off by %.3f px from the network, %.3f px after the step; %s, %s%n",
                networkPx / faces.size(), adapterPx / faces.size(), network.result(), adapter.result());
        assertThat(adapterPx).isLessThan(0.97 * networkPx);
        assertThat(adapter.result().rotationErrorDeg()).isLessThan(network.result().rotationErrorDeg());
    }

    private static double anchorErrorPx(HeadPose truth, HeadPose estimate) {
        float[] a = FaceGeometry.projectAnchors(truth, CAMERA), b = FaceGeometry.projectAnchors(estimate, CAMERA);
        double sum = 0;
        for (int i = 0; i < a.length; i += 2) {
            sum += Math.hypot(a[i] - b[i], a[i + 1] - b[i + 1]);
        }
        return sum / (a.length / 2);
    }

    /**
     * The covariance describes the model's errors: their squared Mahalanobis distance averages the
     * six degrees of freedom, as it would for Gaussian errors of that covariance; facing the
     * camera, yaw's error goes with x's and pitch's against y's.
     */
    @Test
    void theCovarianceDescribesTheModelsErrors() throws Exception {
        List<SyntheticFaces.Face> faces = faces(new Random(43), 2_000);
        List<PoseEstimate> estimates = model.estimate(observe(faces, new Random(44)));
        KeypointFit fit = new KeypointFit();
        double[] covariance = new double[36];
        double mahalanobis = 0;
        for (int i = 0; i < faces.size(); i++) {
            HeadPose truth = faces.get(i).pose(), estimate = estimates.get(i).pose();
            double[] error = {estimate.yawDeg() - truth.yawDeg(), estimate.pitchDeg() - truth.pitchDeg(),
                estimate.rollDeg() - truth.rollDeg(), estimate.xM() - truth.xM(), estimate.yM() - truth.yM(),
                estimate.zM() - truth.zM()};
            assertThat(fit.covariance(estimate, CAMERA, NOISE_PX, covariance)).isTrue();
            DMatrixRMaj inverse = new DMatrixRMaj(6, 6);
            CommonOps_DDRM.invert(DMatrixRMaj.wrap(6, 6, covariance), inverse);
            for (int a = 0; a < 6; a++) {
                for (int b = 0; b < 6; b++) {
                    mahalanobis += error[a] * inverse.get(a, b) * error[b];
                }
            }
        }
        System.out.printf("mean squared Mahalanobis distance %.2f%n", mahalanobis / faces.size());
        assertThat(mahalanobis / faces.size()).isBetween(5.0, 7.5);

        double[] atCentre = new double[36];
        fit.covariance(new HeadPose(0, 0, 0, 0, 0, 0.5), CAMERA, NOISE_PX, atCentre);
        assertThat(atCentre[3]).as("yaw with x, facing the camera").isPositive();
        assertThat(atCentre[6 + 4]).as("pitch with y, facing the camera").isNegative();
    }

    /** Faces in a 640 × 480 frame seen with a 60° lens, as the synthetic users are. */
    private static List<SyntheticFaces.Face> faces(Random random, int count) {
        List<SyntheticFaces.Face> faces = new ArrayList<>();
        while (faces.size() < count) {
            SyntheticFaces.Face face = SyntheticFaces.next(random);
            HeadPose p = face.pose();
            float[] xy = FaceGeometry.projectKeypoints(p, CAMERA);
            boolean inside = true;
            for (int i = 0; i < xy.length; i += 2) {
                inside &= xy[i] >= 0 && xy[i] < 640 && xy[i + 1] >= 0 && xy[i + 1] < 480;
            }
            if (inside) {
                faces.add(new SyntheticFaces.Face(p, CAMERA, xy));
            }
        }
        return faces;
    }

    private static List<FaceKeypoints> observe(List<SyntheticFaces.Face> faces, Random noise) {
        List<FaceKeypoints> observed = new ArrayList<>();
        for (SyntheticFaces.Face face : faces) {
            observed.add(face.observe(noise, NOISE_PX));
        }
        return observed;
    }

    /** The network's poses without the adapter's step. */
    private static List<HeadPose> networkPoses(List<FaceKeypoints> batch) throws Exception {
        Map<String, OnnxTensor> inputs = model.adapter.encode(model.env, batch);
        try (OrtSession.Result outputs = model.session.run(inputs)) {
            float[] raw = new float[batch.size() * PoseOutputs.COUNT];
            ((OnnxTensor) outputs.get(PoseModelAdapter.OUTPUT_NAME).orElseThrow()).getFloatBuffer().get(raw);
            List<HeadPose> poses = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                PoseFeatures.Normalization n = PoseFeatures.normalization(batch.get(i).xy(), CAMERA);
                poses.add(PoseOutputs.decode(raw, i * PoseOutputs.COUNT, n));
            }
            return poses;
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }
}
