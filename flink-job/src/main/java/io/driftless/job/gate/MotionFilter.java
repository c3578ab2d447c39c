package io.driftless.job.gate;

/**
 * A session's head motion: one constant-velocity Kalman filter per pose value (yaw, pitch, roll
 * in degrees, then x, y, z in metres), each with state (value, rate) and a 2 × 2 covariance. It
 * takes the pose measured on each frame, at the frame's capture instant, so the rates are the
 * motion as the camera saw it, whatever the frames' queueing in between.
 *
 * <p>The rates are known once two frames in a row have been measured. A frame captured at or
 * before the last one (out of order, or a client clock that stepped back) or more than {@link
 * #MAX_GAP_US} after it restarts the filter from that frame alone: a head that stopped for a while
 * has no velocity to carry on with, and a rate across a long gap is a guess.
 *
 * <p>A Flink POJO kept in keyed state.
 */
public class MotionFilter {

    /** Longer than a few dropped frames at 30 fps, shorter than a client draws an answer at all. */
    static final long MAX_GAP_US = 300_000;

    /**
     * Measurement noise variance per value: (1.5°)² for angles, the pose error that 1.5 px of
     * keypoint noise makes on a face 120 px wide; (2 mm)² across, (1 cm)² in depth, where a pixel
     * at 50 cm is about 1 mm and depth is read off the face's size.
     */
    private static final double[] MEASUREMENT_VARIANCE = {2.25, 2.25, 2.25, 4e-6, 4e-6, 1e-4};
    /**
     * Process noise: the spectral density of a white acceleration, per value. Angles 3·10⁴
     * (°/s²)²·s: the rate may change by about 30°/s from one frame to the next at 30 fps, as a
     * head does at 1000°/s² when a 160°/s turn starts or stops; smaller values smooth the rate more
     * but lag a turn's start by frames. Simulated on a 160°/s sinusoidal turn at 0.3 to 1 Hz with
     * 1.5° of noise, predicting 40 ms ahead, 3·10³ to 3·10⁴ leave about the least error, 3·10⁴
     * the least at 1 Hz (at 0.5 Hz: 1.9° mean, against 2.1° for a line through the last three
     * frames and 4.2° without prediction). Positions 0.5 (m/s²)²·s: about 0.13 m/s a frame.
     */
    private static final double[] ACCELERATION_DENSITY = {3e4, 3e4, 3e4, 0.5, 0.5, 0.5};
    /** Rate variance before the second frame: so wide that it is the two frames' difference. */
    private static final double[] INITIAL_RATE_VARIANCE = {1e8, 1e8, 1e8, 1e4, 1e4, 1e4};

    public double[] value;
    public double[] rate;
    /** Covariance of each value's (value, rate): value variance, covariance, rate variance. */
    public double[] valueVariance;
    public double[] covariance;
    public double[] rateVariance;
    public long lastCaptureUs;

    public MotionFilter() {}

    /**
     * Takes the pose (yaw, pitch, roll, x, y, z) measured on the frame captured at {@code
     * captureUs}. A pose with a value that is not finite is ignored, and the state stays as it was.
     *
     * @return whether the rates are known after it
     */
    public boolean update(double[] pose, long captureUs) {
        for (double v : pose) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        long gapUs = captureUs - lastCaptureUs;
        if (value == null || gapUs <= 0 || gapUs > MAX_GAP_US) {
            restart(pose, captureUs);
            return false;
        }
        double dt = gapUs / 1e6;
        for (int i = 0; i < pose.length; i++) {
            double q = ACCELERATION_DENSITY[i];
            // predict: value moves on at its rate; uncertainty grows by the unknown acceleration
            double p00 = valueVariance[i] + dt * (2 * covariance[i] + dt * rateVariance[i]) + q * dt * dt * dt / 3;
            double p01 = covariance[i] + dt * rateVariance[i] + q * dt * dt / 2;
            double p11 = rateVariance[i] + q * dt;
            double predicted = value[i] + dt * rate[i];
            // correct with the measurement
            double innovationVariance = p00 + MEASUREMENT_VARIANCE[i];
            double valueGain = p00 / innovationVariance;
            double rateGain = p01 / innovationVariance;
            double innovation = pose[i] - predicted;
            value[i] = predicted + valueGain * innovation;
            rate[i] += rateGain * innovation;
            valueVariance[i] = (1 - valueGain) * p00;
            covariance[i] = (1 - valueGain) * p01;
            rateVariance[i] = p11 - rateGain * p01;
        }
        lastCaptureUs = captureUs;
        return true;
    }

    /** The rates (°/s for angles, m/s for positions) at the last frame; valid after {@link #update} said so. */
    public double[] rates() {
        return rate.clone();
    }

    private void restart(double[] pose, long captureUs) {
        value = pose.clone();
        rate = new double[pose.length];
        valueVariance = MEASUREMENT_VARIANCE.clone();
        covariance = new double[pose.length];
        rateVariance = INITIAL_RATE_VARIANCE.clone();
        lastCaptureUs = captureUs;
    }
}
