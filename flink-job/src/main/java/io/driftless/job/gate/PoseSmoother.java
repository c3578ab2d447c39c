package io.driftless.job.gate;

/**
 * One-Euro filter (Casiez, Roussel, Vogel, CHI 2012) over the six pose values of one session:
 * heavy smoothing while the head is still (no jitter), little while it moves (little lag).
 * Time comes from capture stamps, so the filter sees the motion as the camera did.
 *
 * <p>A Flink POJO kept in keyed state.
 */
public class PoseSmoother {

    /** Angles in degrees, then position in metres. */
    private static final double[] MIN_CUTOFF_HZ = {1.5, 1.5, 1.5, 1.5, 1.5, 1.0};
    private static final double[] BETA = {0.3, 0.3, 0.3, 30, 30, 10};
    private static final double DERIVATIVE_CUTOFF_HZ = 1.0;

    public double[] value;
    public double[] derivative;
    public long lastCaptureUs;

    public PoseSmoother() {}

    /** Smooths {@code pose} (yaw, pitch, roll, x, y, z) in place. */
    public void apply(double[] pose, long captureUs) {
        if (value == null) {
            value = pose.clone();
            derivative = new double[pose.length];
            lastCaptureUs = captureUs;
            return;
        }
        double dt = (captureUs - lastCaptureUs) / 1e6;
        if (dt <= 0 || dt > 1.0) {
            // out of order or after a long gap: restart from this measurement
            System.arraycopy(pose, 0, value, 0, pose.length);
            java.util.Arrays.fill(derivative, 0);
            lastCaptureUs = captureUs;
            return;
        }
        for (int i = 0; i < pose.length; i++) {
            double dx = (pose[i] - value[i]) / dt;
            derivative[i] += alpha(DERIVATIVE_CUTOFF_HZ, dt) * (dx - derivative[i]);
            double cutoff = MIN_CUTOFF_HZ[i] + BETA[i] * Math.abs(derivative[i]);
            value[i] += alpha(cutoff, dt) * (pose[i] - value[i]);
            pose[i] = value[i];
        }
        lastCaptureUs = captureUs;
    }

    private static double alpha(double cutoffHz, double dt) {
        double tau = 1 / (2 * Math.PI * cutoffHz);
        return 1 / (1 + tau / dt);
    }
}
