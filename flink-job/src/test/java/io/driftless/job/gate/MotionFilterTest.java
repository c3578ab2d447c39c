package io.driftless.job.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.driftless.inference.pose.PinholeCamera;
import org.junit.jupiter.api.Test;

class MotionFilterTest {

    private static final PinholeCamera CAMERA = PinholeCamera.withHorizontalFov(640, 480, 60);
    private static final long FRAME_US = 33_333;
    private final KalmanWorkspace workspace = new KalmanWorkspace();

    @Test
    void followsAnEvenTurnWithTheRatesOfThatTurn() {
        MotionFilter filter = new MotionFilter();
        for (int f = 0; f < 30; f++) {
            double t = f * FRAME_US / 1e6;
            filter.update(new double[] {-20 + 90 * t, 5, 0, 0.02 + 0.1 * t, 0, 0.5}, CAMERA, f * FRAME_US, workspace);
        }
        assertThat(filter.rates()[0]).isCloseTo(90, within(0.5));
        assertThat(filter.rates()[3]).isCloseTo(0.1, within(0.001));
        assertThat(filter.pose()[0]).isCloseTo(-20 + 90 * 29 * FRAME_US / 1e6, within(0.05));
    }

    @Test
    void stateWrittenBeforeTheJointCovariancesRestartsOnTheNextFrame() {
        MotionFilter filter = new MotionFilter();
        double[] pose = {10, 0, 0, 0, 0, 0.5};
        filter.update(pose, CAMERA, 0, workspace);
        assertThat(filter.update(pose, CAMERA, FRAME_US, workspace)).isTrue();
        // what Flink restores of a model whose covariances were kept per value
        filter.agile.crossCovariance = null;

        assertThat(filter.update(pose, CAMERA, 2 * FRAME_US, workspace)).as("restarted from this frame").isFalse();
        assertThat(filter.update(pose, CAMERA, 3 * FRAME_US, workspace)).isTrue();
        assertThat(filter.agile.crossCovariance).hasSize(36);
    }

    @Test
    void aPoseItsKeypointsCannotPinDownLeavesTheStateAsItWas() {
        MotionFilter filter = new MotionFilter();
        filter.update(new double[] {10, 0, 0, 0, 0, 0.5}, CAMERA, 0, workspace);
        filter.update(new double[] {11, 0, 0, 0, 0, 0.5}, CAMERA, FRAME_US, workspace);
        double[] before = filter.pose();

        assertThat(filter.update(new double[] {12, 0, 0, 0, 0, -0.5}, CAMERA, 2 * FRAME_US, workspace)).isFalse();
        assertThat(filter.pose()).containsExactly(before);
        assertThat(filter.lastCaptureUs).isEqualTo(FRAME_US);
    }

    @Test
    void aJumpNoHeadMakesRestartsTheFilterFromThePoseAfterIt() {
        MotionFilter filter = new MotionFilter();
        for (int f = 0; f < 10; f++) {
            filter.update(new double[] {10, 0, 0, 0, 0, 0.6}, CAMERA, f * FRAME_US, workspace);
        }
        double[] elsewhere = {-5, 8, 3, 0.12, -0.05, 0.35};

        assertThat(filter.update(elsewhere, CAMERA, 10 * FRAME_US, workspace)).as("restarted from this frame").isFalse();
        assertThat(filter.update(elsewhere, CAMERA, 11 * FRAME_US, workspace)).isTrue();
        assertThat(filter.pose()[3]).isCloseTo(0.12, within(0.001));
        assertThat(filter.pose()[5]).isCloseTo(0.35, within(0.001));
        assertThat(filter.rates()[3]).isCloseTo(0, within(0.01));
    }
}
