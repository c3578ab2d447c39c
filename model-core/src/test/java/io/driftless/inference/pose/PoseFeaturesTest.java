package io.driftless.inference.pose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PoseFeaturesTest {

    private static final int SHAPE = 2 * FaceGeometry.KEYPOINT_COUNT;

    private final SyntheticFaces.Face face = SyntheticFaces.next(new Random(3));
    private final FaceKeypoints keypoints = face.observe(new Random(4), 0);

    @Test
    void shapeFeaturesIgnoreWhereTheFaceSitsAndHowLargeItAppears() {
        float[] moved = new float[SHAPE];
        double k = 1.7, dx = -45, dy = 23;
        for (int i = 0; i < SHAPE; i += 2) {
            moved[i] = (float) (k * keypoints.xy()[i] + dx);
            moved[i + 1] = (float) (k * keypoints.xy()[i + 1] + dy);
        }

        float[] before = features(keypoints);
        float[] after = features(withXy(moved));

        for (int i = 0; i < SHAPE; i++) {
            assertThat(after[i]).as("shape feature %d", i).isCloseTo(before[i], within(1e-4f));
        }
        assertThat((double) after[SHAPE + 2] - before[SHAPE + 2]).as("log scale").isCloseTo(Math.log(k), within(1e-5));
    }

    @Test
    void lastThreeFeaturesAreCentroidAndLogScaleInFocalLengthUnits() {
        PinholeCamera camera = face.camera();
        double cx = 0, cy = 0;
        for (int i = 0; i < FaceGeometry.KEYPOINT_COUNT; i++) {
            cx += keypoints.xy()[2 * i] / (double) FaceGeometry.KEYPOINT_COUNT;
            cy += keypoints.xy()[2 * i + 1] / (double) FaceGeometry.KEYPOINT_COUNT;
        }
        double rms = 0;
        for (int i = 0; i < FaceGeometry.KEYPOINT_COUNT; i++) {
            double ex = keypoints.xy()[2 * i] - cx, ey = keypoints.xy()[2 * i + 1] - cy;
            rms += (ex * ex + ey * ey) / FaceGeometry.KEYPOINT_COUNT;
        }

        float[] f = features(keypoints);

        assertThat((double) f[SHAPE]).isCloseTo((cx - camera.cx()) / camera.focalPx(), within(1e-6));
        assertThat((double) f[SHAPE + 1]).isCloseTo((cy - camera.cy()) / camera.focalPx(), within(1e-6));
        assertThat((double) f[SHAPE + 2]).isCloseTo(Math.log(Math.sqrt(rms) / camera.focalPx()), within(1e-5));
    }

    @Test
    void shapeFeaturesHaveZeroMeanAndUnitRmsRadius() {
        float[] f = features(keypoints);
        double sumX = 0, sumY = 0, sumSq = 0;
        for (int i = 0; i < SHAPE; i += 2) {
            sumX += f[i];
            sumY += f[i + 1];
            sumSq += f[i] * f[i] + f[i + 1] * f[i + 1];
        }
        assertThat(sumX).isCloseTo(0, within(1e-5));
        assertThat(sumY).isCloseTo(0, within(1e-5));
        assertThat(sumSq / FaceGeometry.KEYPOINT_COUNT).isCloseTo(1, within(1e-5));
    }

    @Test
    void unknownFocalLengthMeansTheDefaultFieldOfView() {
        FaceKeypoints unknown = new FaceKeypoints(keypoints.xy(), 640, 480, 0);

        assertThat(PoseFeatures.camera(unknown).focalPx())
                .isCloseTo(PinholeCamera.withHorizontalFov(640, 480, 60).focalPx(), within(1e-9));
    }

    @Test
    void writesOneRowPerCallAtTheBuffersPosition() {
        FloatBuffer buffer = FloatBuffer.allocate(2 * PoseFeatures.COUNT);
        PoseFeatures.write(keypoints, buffer);
        PoseFeatures.write(keypoints, buffer);

        assertThat(buffer.position()).isEqualTo(2 * PoseFeatures.COUNT);
        assertThat(buffer.get(PoseFeatures.COUNT + 3)).isEqualTo(buffer.get(3));
    }

    @Test
    void explainsWhyKeypointsCannotBeUsed() {
        assertThat(PoseFeatures.invalidReason(keypoints)).isNull();
        assertThat(PoseFeatures.invalidReason(new FaceKeypoints(new float[10], 640, 480, 0)))
                .isEqualTo("expected 12 keypoint coordinates (6 points), got 10");
        float[] nan = keypoints.xy().clone();
        nan[5] = Float.NaN;
        assertThat(PoseFeatures.invalidReason(withXy(nan))).isEqualTo("keypoint coordinates must be finite numbers");
        float[] onePoint = new float[SHAPE];
        Arrays.fill(onePoint, 100f);
        assertThat(PoseFeatures.invalidReason(withXy(onePoint))).startsWith("keypoints all fall on one spot");
        assertThat(PoseFeatures.invalidReason(new FaceKeypoints(keypoints.xy(), 0, 480, 0)))
                .isEqualTo("image size must be positive, got 0x480");
        assertThat(PoseFeatures.invalidReason(new FaceKeypoints(keypoints.xy(), 640, 480, -3)))
                .startsWith("focal length must be 0 (unknown) or a positive number of pixels");
    }

    @Test
    void refusesToWriteKeypointsItCannotUse() {
        FaceKeypoints bad = new FaceKeypoints(new float[3], 640, 480, 0);

        assertThatThrownBy(() -> PoseFeatures.write(bad, FloatBuffer.allocate(PoseFeatures.COUNT)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pose model input rejected: expected 12 keypoint coordinates (6 points), got 3");
    }

    private FaceKeypoints withXy(float[] xy) {
        return new FaceKeypoints(xy, keypoints.imageWidth(), keypoints.imageHeight(), keypoints.focalLengthPx());
    }

    private static float[] features(FaceKeypoints k) {
        FloatBuffer buffer = FloatBuffer.allocate(PoseFeatures.COUNT);
        PoseFeatures.write(k, buffer);
        return buffer.array();
    }
}
