package io.driftless.inference.pose;

import io.driftless.inference.pose.PoseFeatures.Normalization;

/**
 * The pose model's output and its decoding into a {@link HeadPose} and a confidence.
 *
 * <p>The network gives, per face: yaw, pitch and roll in degrees; {@code ln(z * scale)}, the log
 * of the head's distance times the keypoints' apparent size, which depends on the pose but not on
 * the distance; and the head origin's offset from the keypoint centroid in units of the scale.
 * Each is well conditioned anywhere in the image and at any distance, unlike raw metres.
 */
public final class PoseOutputs {

    public static final int COUNT = 6;
    static final int YAW = 0, PITCH = 1, ROLL = 2, LOG_DEPTH_SCALE = 3, OFFSET_X = 4, OFFSET_Y = 5;

    /**
     * The reprojection error, relative to the keypoints' scale, at which the confidence is 0.5.
     * Real keypoints with a few pixels of noise stay well below it; keypoints no head can
     * produce land far above it.
     */
    static final double HALF_CONFIDENCE_RESIDUAL = 0.15;

    /** The confidence of keypoints that cannot be reprojected at all; keeps it above zero. */
    static final float MIN_CONFIDENCE = 1e-6f;

    private PoseOutputs() {}

    /** Turns the {@link #COUNT} outputs at {@code offset} into a pose in metres. */
    public static HeadPose decode(float[] outputs, int offset, Normalization n) {
        double z = Math.exp(outputs[offset + LOG_DEPTH_SCALE]) / n.scale();
        double originX = n.centroidX() + n.scale() * outputs[offset + OFFSET_X];
        double originY = n.centroidY() + n.scale() * outputs[offset + OFFSET_Y];
        return new HeadPose(
                outputs[offset + YAW], outputs[offset + PITCH], outputs[offset + ROLL],
                originX * z, originY * z, z);
    }

    /** What the network should output for a head at {@code truth} whose keypoints gave {@code n}. */
    static double[] targets(HeadPose truth, Normalization n) {
        return new double[] {
            truth.yawDeg(),
            truth.pitchDeg(),
            truth.rollDeg(),
            StrictMath.log(truth.zM() * n.scale()),
            (truth.xM() / truth.zM() - n.centroidX()) / n.scale(),
            (truth.yM() / truth.zM() - n.centroidY()) / n.scale()
        };
    }

    /**
     * How well {@code pose} explains the keypoints, in (0, 1]: the canonical face is reprojected
     * under the pose and its RMS distance to the observed keypoints, relative to their scale,
     * is mapped through {@code 1 / (1 + (r / r_half)^2)}.
     */
    public static float confidence(HeadPose pose, float[] xy, PinholeCamera camera, Normalization n) {
        double sumSq = 0;
        for (int i = 0; i < FaceGeometry.KEYPOINT_COUNT; i++) {
            double[] p = pose.toCamera(FaceGeometry.keypoint(i));
            if (!(p[2] > 0)) {
                return MIN_CONFIDENCE;
            }
            double dx = p[0] / p[2] - (xy[2 * i] - camera.cx()) / camera.focalPx();
            double dy = p[1] / p[2] - (xy[2 * i + 1] - camera.cy()) / camera.focalPx();
            sumSq += dx * dx + dy * dy;
        }
        double r = Math.sqrt(sumSq / FaceGeometry.KEYPOINT_COUNT) / n.scale() / HALF_CONFIDENCE_RESIDUAL;
        float c = (float) (1 / (1 + r * r));
        return c >= MIN_CONFIDENCE ? c : MIN_CONFIDENCE;
    }
}
