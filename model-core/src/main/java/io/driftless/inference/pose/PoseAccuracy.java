package io.driftless.inference.pose;

/**
 * How far estimated poses are from the truth over a set of faces, all seen with one noise level.
 *
 * @param noisePx standard deviation of the Gaussian noise on each keypoint coordinate, pixels
 * @param samples how many faces were measured
 * @param yawMaeDeg mean absolute yaw error, degrees
 * @param pitchMaeDeg mean absolute pitch error, degrees
 * @param rollMaeDeg mean absolute roll error, degrees
 * @param rotationErrorDeg mean angle of the rotation between estimate and truth, degrees
 * @param positionErrorMm mean distance between estimated and true head origin, millimetres
 * @param depthErrorMm mean absolute error of the head origin's distance along the optical axis
 */
public record PoseAccuracy(
        double noisePx,
        int samples,
        double yawMaeDeg,
        double pitchMaeDeg,
        double rollMaeDeg,
        double rotationErrorDeg,
        double positionErrorMm,
        double depthErrorMm) {

    /** Sums errors one face at a time. */
    public static final class Accumulator {
        private final double noisePx;
        private int samples;
        private double yaw, pitch, roll, rotation, position, depth;

        public Accumulator(double noisePx) {
            this.noisePx = noisePx;
        }

        public void add(HeadPose truth, HeadPose estimate) {
            samples++;
            yaw += Math.abs(estimate.yawDeg() - truth.yawDeg());
            pitch += Math.abs(estimate.pitchDeg() - truth.pitchDeg());
            roll += Math.abs(estimate.rollDeg() - truth.rollDeg());
            rotation += estimate.rotationErrorDeg(truth);
            double dx = estimate.xM() - truth.xM(), dy = estimate.yM() - truth.yM(), dz = estimate.zM() - truth.zM();
            position += Math.sqrt(dx * dx + dy * dy + dz * dz);
            depth += Math.abs(dz);
        }

        public PoseAccuracy result() {
            if (samples == 0) {
                throw new IllegalStateException("no faces were added");
            }
            return new PoseAccuracy(noisePx, samples, yaw / samples, pitch / samples, roll / samples,
                    rotation / samples, 1000 * position / samples, 1000 * depth / samples);
        }
    }
}
