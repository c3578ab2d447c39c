package io.driftless.job.gate;

/**
 * A session's head motion, per pose value (yaw, pitch, roll in degrees, then x, y, z in metres):
 * two constant-velocity Kalman filters ({@link ConstantVelocityModel}), an agile one that lets the
 * rate change by about 30°/s from one frame to the next and a steady one with a hundredth of that
 * process noise. Each is scored by how well it predicted the last few measurements, and the rate
 * given out is their mix weighted by those scores: a head that is still or turns evenly gets the
 * steady model's rate, which one frame's keypoint noise hardly moves; a turn that starts or stops
 * shifts the weight to the agile model within a frame or two. (A two-model interacting multiple
 * model filter without the state mixing: the models run side by side and only their outputs are
 * mixed.) It takes the pose measured on each frame at the frame's capture instant, so the rates
 * are the motion as the camera saw it, whatever the frames' queueing in between.
 *
 * <p>Against the agile model alone, on the synthetic users' motion with their keypoint noise
 * through the pose model, anchors carried one frame ahead land nearer the face at every motion
 * profile, most where the head moves least (docs/drift.md, "The drift floor").
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
    private static final double[] AGILE_ACCELERATION_DENSITY = {3e4, 3e4, 3e4, 0.5, 0.5, 0.5};
    /**
     * The steady model's: a hundredth of the agile one's. Tried on the drift floor (docs/drift.md):
     * a tenth leaves more drift at every motion profile; a thousandth about as much, a little less
     * at {@code calm} and a little more at {@code normal}.
     */
    private static final double[] STEADY_ACCELERATION_DENSITY = {3e2, 3e2, 3e2, 5e-3, 5e-3, 5e-3};
    /** Rate variance before the second frame: so wide that it is the two frames' difference. */
    private static final double[] INITIAL_RATE_VARIANCE = {1e8, 1e8, 1e8, 1e4, 1e4, 1e4};

    public ConstantVelocityModel agile;
    public ConstantVelocityModel steady;
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
        if (agile == null || steady == null || gapUs <= 0 || gapUs > MAX_GAP_US) {
            agile = ConstantVelocityModel.startingAt(pose, MEASUREMENT_VARIANCE, INITIAL_RATE_VARIANCE);
            steady = ConstantVelocityModel.startingAt(pose, MEASUREMENT_VARIANCE, INITIAL_RATE_VARIANCE);
            lastCaptureUs = captureUs;
            return false;
        }
        double dt = gapUs / 1e6;
        agile.update(pose, dt, MEASUREMENT_VARIANCE, AGILE_ACCELERATION_DENSITY);
        steady.update(pose, dt, MEASUREMENT_VARIANCE, STEADY_ACCELERATION_DENSITY);
        lastCaptureUs = captureUs;
        return true;
    }

    /** The rates (°/s for angles, m/s for positions) at the last frame; valid after {@link #update} said so. */
    public double[] rates() {
        double[] rates = new double[agile.rate.length];
        for (int i = 0; i < rates.length; i++) {
            // the steady model's share: its likelihood over both models' (a logistic of the score difference)
            double steadyWeight = 1 / (1 + Math.exp(agile.score[i] - steady.score[i]));
            rates[i] = steadyWeight * steady.rate[i] + (1 - steadyWeight) * agile.rate[i];
        }
        return rates;
    }
}
