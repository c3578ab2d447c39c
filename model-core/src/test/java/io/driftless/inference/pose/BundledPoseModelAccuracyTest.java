package io.driftless.inference.pose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The shipped model, run by ONNX Runtime, on faces it never saw: a seed of its own, the full
 * ranges of {@link SyntheticFaces}, 1.5 px of keypoint noise.
 */
class BundledPoseModelAccuracyTest {

    private static final long HELD_OUT_SEED = 7_000_001L;
    private static final int FACES = 5_000;
    private static final int BATCH = 250;

    /** The product's stated bar for each angle. */
    private static final double MAX_ANGLE_MAE_DEG = 3.0;
    /** Mean distance between estimated and true head origin, at 0.3 to 0.8 m from the camera. */
    private static final double MAX_POSITION_ERROR_MM = 10.0;

    @Test
    void meetsTheAccuracyBarOnHeldOutFacesWithOneAndAHalfPixelsOfNoise() throws Exception {
        Random random = new Random(HELD_OUT_SEED);
        PoseAccuracy.Accumulator errors = new PoseAccuracy.Accumulator(1.5);
        try (BundledPoseModel model = new BundledPoseModel()) {
            for (int done = 0; done < FACES; done += BATCH) {
                List<HeadPose> truths = new ArrayList<>();
                List<FaceKeypoints> batch = new ArrayList<>();
                for (int i = 0; i < BATCH; i++) {
                    SyntheticFaces.Face face = SyntheticFaces.next(random);
                    truths.add(face.pose());
                    batch.add(face.observe(random, 1.5));
                }
                List<PoseEstimate> estimates = model.estimate(batch);
                for (int i = 0; i < BATCH; i++) {
                    errors.add(truths.get(i), estimates.get(i).pose());
                }
            }
        }
        PoseAccuracy accuracy = errors.result();

        assertThat(accuracy.samples()).isEqualTo(FACES);
        assertThat(accuracy.yawMaeDeg()).as("yaw MAE, degrees").isLessThan(MAX_ANGLE_MAE_DEG);
        assertThat(accuracy.pitchMaeDeg()).as("pitch MAE, degrees").isLessThan(MAX_ANGLE_MAE_DEG);
        assertThat(accuracy.rollMaeDeg()).as("roll MAE, degrees").isLessThan(MAX_ANGLE_MAE_DEG);
        assertThat(accuracy.positionErrorMm()).as("position error, mm").isLessThan(MAX_POSITION_ERROR_MM);
    }
}
