package io.driftless.inference.pose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PoseOutputsTest {

    @Test
    void decodingThePerfectOutputsOfAFaceGivesItsPoseBack() {
        Random random = new Random(21);
        for (int n = 0; n < 200; n++) {
            SyntheticFaces.Face face = SyntheticFaces.next(random);
            FaceKeypoints keypoints = face.observe(random, 1.0);
            PoseFeatures.Normalization norm = PoseFeatures.normalization(keypoints.xy(), face.camera());
            double[] targets = PoseOutputs.targets(face.pose(), norm);
            float[] outputs = new float[PoseOutputs.COUNT];
            for (int i = 0; i < outputs.length; i++) {
                outputs[i] = (float) targets[i];
            }

            HeadPose decoded = PoseOutputs.decode(outputs, 0, norm);

            HeadPose truth = face.pose();
            assertThat(decoded.yawDeg()).isCloseTo(truth.yawDeg(), within(1e-4));
            assertThat(decoded.pitchDeg()).isCloseTo(truth.pitchDeg(), within(1e-4));
            assertThat(decoded.rollDeg()).isCloseTo(truth.rollDeg(), within(1e-4));
            assertThat(decoded.xM()).isCloseTo(truth.xM(), within(1e-6));
            assertThat(decoded.yM()).isCloseTo(truth.yM(), within(1e-6));
            assertThat(decoded.zM()).isCloseTo(truth.zM(), within(1e-6));
        }
    }

    @Test
    void confidenceIsOneForExactKeypointsAndFallsAsThePoseMissesThem() {
        SyntheticFaces.Face face = SyntheticFaces.next(new Random(5));
        PoseFeatures.Normalization norm = PoseFeatures.normalization(face.cleanXy(), face.camera());
        HeadPose truth = face.pose();
        HeadPose offBy5 = new HeadPose(truth.yawDeg() + 5, truth.pitchDeg(), truth.rollDeg(),
                truth.xM(), truth.yM(), truth.zM());
        HeadPose offBy30 = new HeadPose(truth.yawDeg() + 30, truth.pitchDeg(), truth.rollDeg() - 20,
                truth.xM(), truth.yM(), truth.zM());

        float exact = PoseOutputs.confidence(truth, face.cleanXy(), face.camera(), norm);
        float near = PoseOutputs.confidence(offBy5, face.cleanXy(), face.camera(), norm);
        float far = PoseOutputs.confidence(offBy30, face.cleanXy(), face.camera(), norm);

        assertThat(exact).isCloseTo(1f, within(1e-6f));
        assertThat(near).isLessThan(exact).isGreaterThan(0.7f);
        assertThat(far).isLessThan(0.3f).isPositive();
    }

    @Test
    void confidenceStaysAboveZeroWhenTheFaceCannotBeReprojected() {
        SyntheticFaces.Face face = SyntheticFaces.next(new Random(6));
        PoseFeatures.Normalization norm = PoseFeatures.normalization(face.cleanXy(), face.camera());
        HeadPose behindCamera = new HeadPose(0, 0, 0, 0, 0, -0.5);

        assertThat(PoseOutputs.confidence(behindCamera, face.cleanXy(), face.camera(), norm))
                .isEqualTo(PoseOutputs.MIN_CONFIDENCE);
    }
}
