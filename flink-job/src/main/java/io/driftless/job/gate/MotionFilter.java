package io.driftless.job.gate;

import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;

/**
 * A session's head motion, its pose (yaw, pitch, roll in degrees, then x, y, z in metres) and their
 * rates: three constant-velocity Kalman filters over the whole pose ({@link ConstantVelocityModel}),
 * each frame's pose weighed by its own covariance. They differ in how fast they let the rates
 * change: a steady one for a head that is still or turns evenly, a moderate one, and an agile one
 * that lets a rate change by about 60°/s from one frame to the next. Each is scored by how well it
 * predicted the last measurements, and the pose and rates given out are their mix weighted by those
 * scores: a still head gets the steady model's estimate, which one frame's keypoint noise hardly
 * moves; a turn that starts, stops or reverses shifts the weight to the quicker models within a
 * frame or two. Scores and mix are per value, so a turning head's yaw can follow the agile model
 * while its distance follows the steady one. (An interacting multiple model filter without the
 * state mixing: the models run side by side and only their outputs are mixed.) It takes the pose
 * measured on each frame at the frame's capture instant, so the estimate is the motion as the
 * camera saw it, whatever the frames' queueing in between.
 *
 * <p>On the drift floor (the synthetic users' motion with their keypoint noise through the pose
 * model, every answer carried one frame ahead; docs/drift.md) the mixed pose leaves 16 % less drift
 * at 120°/s than the same rates with One-Euro smoothing's pose; under a 3 Hz shake, 8 % more.
 *
 * <p>The rates are known once two frames in a row have been measured. A frame captured at or
 * before the last one (out of order, or a client clock that stepped back), more than {@link
 * #MAX_GAP_US} after it, or further from every model's prediction than {@link #JUMP_DISTANCE}
 * restarts the filter from that frame alone: a head that stopped for a while has no velocity to
 * carry on with, a rate across a long gap is a guess, and a jump is not a motion.
 *
 * <p>A Flink POJO kept in keyed state. State written before the moderate model or the joint
 * covariances existed restores without them and restarts the filter on the next frame.
 */
public class MotionFilter {

    /** Where the head's distance along the optical axis sits among the pose values. */
    private static final int Z = 5;

    /** Longer than a few dropped frames at 30 fps, shorter than a client draws an answer at all. */
    static final long MAX_GAP_US = 300_000;

    /**
     * A pose that every model puts this far from its prediction (squared Mahalanobis distance over
     * the six values) is a jump no head makes between two frames: a cut, another face, a detector
     * gone astray. The filter restarts from it rather than bend every value, rates and all, towards
     * it through their covariances (which once put a jumping photo's head behind the camera). Far
     * beyond the synthetic users' motion: the agile model's distance reached 26 at most under the
     * shake, 18 at 120°/s (20 users' 10 s per profile); a Gaussian error of the pose's own
     * covariance passes 60 once in some 10¹⁰ frames.
     */
    static final double JUMP_DISTANCE = 60;

    /**
     * The noise assumed on each keypoint coordinate, in pixels (standard deviation): the synthetic
     * users' 1.5 px. The pose's covariance follows from it and from where the face is ({@link
     * io.driftless.inference.pose.KeypointFit#covariance}); with it the bundled pose model's errors come out as expected (0.8°
     * RMS in yaw and pitch, 1 mm across and 6 mm in depth, yaw's error going with x's and pitch's
     * with y's). Weighing each frame's pose by its own covariance, rather than per value by a fixed
     * variance, left 11 % less drift at 120°/s on the drift floor (docs/drift.md).
     */
    static final double KEYPOINT_NOISE_PX = 1.5;
    /**
     * Process noise of each model: the spectral density of a white acceleration, per value, in
     * (°/s²)²·s for angles and (m/s²)²·s for positions. The agile model's 10⁵ lets an angle's rate
     * change by about 60°/s in a frame at 30 fps, as when a 3 Hz shake reverses; the steady
     * model's 10² by about 2°/s. Chosen on the drift floor over every motion profile from 20 users'
     * 10 s: two models (3·10² and 3·10⁴) left more drift at every profile but the 160°/s one (2.80
     * against 2.82 px) and a quarter more under the shake; a constant-acceleration model as a fourth
     * (both tried at a score memory of 0.85) gained 3 % at 120°/s and lost 4 % at 20°/s.
     * Positions move far less and are read far more precisely; their densities barely matter there.
     */
    private static final double[] STEADY_ACCELERATION_DENSITY = {1e2, 1e2, 1e2, 5e-5, 5e-5, 1e-6};
    private static final double[] MODERATE_ACCELERATION_DENSITY = {3e3, 3e3, 3e3, 1.5e-3, 1.5e-3, 3e-5};
    private static final double[] AGILE_ACCELERATION_DENSITY = {1e5, 1e5, 1e5, 5e-2, 5e-2, 1e-3};
    private static final double[][] ACCELERATION_DENSITIES = {
        STEADY_ACCELERATION_DENSITY, MODERATE_ACCELERATION_DENSITY, AGILE_ACCELERATION_DENSITY
    };
    /** Rate variance before the second frame: so wide that it is the two frames' difference. */
    private static final double[] INITIAL_RATE_VARIANCE = {1e8, 1e8, 1e8, 1e4, 1e4, 1e4};

    public ConstantVelocityModel steady;
    public ConstantVelocityModel moderate;
    public ConstantVelocityModel agile;
    public long lastCaptureUs;

    public MotionFilter() {}

    /**
     * Takes the pose (yaw, pitch, roll, x, y, z) measured on the frame captured at {@code
     * captureUs} by {@code camera}. A pose with a value that is not finite, or whose keypoints would
     * not pin it down, is ignored, and the state stays as it was.
     *
     * @param workspace the caller's, for this thread
     * @return whether the pose and rates are known after it
     */
    public boolean update(double[] pose, PinholeCamera camera, long captureUs, KalmanWorkspace workspace) {
        for (double v : pose) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        double[] covariance = workspace.measurementCovariance;
        if (!workspace.fit.covariance(new HeadPose(pose[0], pose[1], pose[2], pose[3], pose[4], pose[5]), camera,
                KEYPOINT_NOISE_PX, covariance)) {
            return false;
        }
        long gapUs = captureUs - lastCaptureUs;
        if (!isComplete() || gapUs <= 0 || gapUs > MAX_GAP_US) {
            restart(pose, covariance, captureUs);
            return false;
        }
        double dt = gapUs / 1e6;
        double nearest = Double.POSITIVE_INFINITY;
        ConstantVelocityModel[] models = {steady, moderate, agile};
        for (int m = 0; m < models.length; m++) {
            if (!models[m].update(pose, dt, covariance, ACCELERATION_DENSITIES[m], workspace)) {
                restart(pose, covariance, captureUs);
                return false;
            }
            nearest = Math.min(nearest, workspace.innovationDistance);
        }
        if (nearest > JUMP_DISTANCE || !(mix(Z, steady.value, moderate.value, agile.value) > 0)) {
            // a jump, or an estimate with the head at or behind the camera: start again from this pose
            restart(pose, covariance, captureUs);
            return false;
        }
        lastCaptureUs = captureUs;
        return true;
    }

    private boolean isComplete() {
        return steady != null && moderate != null && agile != null
                && steady.isComplete() && moderate.isComplete() && agile.isComplete();
    }

    private void restart(double[] pose, double[] covariance, long captureUs) {
        steady = ConstantVelocityModel.startingAt(pose, covariance, INITIAL_RATE_VARIANCE);
        moderate = ConstantVelocityModel.startingAt(pose, covariance, INITIAL_RATE_VARIANCE);
        agile = ConstantVelocityModel.startingAt(pose, covariance, INITIAL_RATE_VARIANCE);
        lastCaptureUs = captureUs;
    }

    /** The pose at the last frame, as the models estimate it; valid after {@link #update} said so. */
    public double[] pose() {
        return mix(steady.value, moderate.value, agile.value);
    }

    /** The rates (°/s for angles, m/s for positions) at the last frame; valid after {@link #update} said so. */
    public double[] rates() {
        return mix(steady.rate, moderate.rate, agile.rate);
    }

    /** Per value, the three models' estimates weighted by their likelihoods (a softmax of the scores). */
    private double[] mix(double[] ofSteady, double[] ofModerate, double[] ofAgile) {
        double[] mixed = new double[ofSteady.length];
        for (int i = 0; i < mixed.length; i++) {
            mixed[i] = mix(i, ofSteady, ofModerate, ofAgile);
        }
        return mixed;
    }

    /** Value {@code i} of the three models' estimates, weighted by their likelihoods. */
    private double mix(int i, double[] ofSteady, double[] ofModerate, double[] ofAgile) {
        double best = Math.max(steady.score[i], Math.max(moderate.score[i], agile.score[i]));
        double s = Math.exp(steady.score[i] - best);
        double m = Math.exp(moderate.score[i] - best);
        double a = Math.exp(agile.score[i] - best);
        return (s * ofSteady[i] + m * ofModerate[i] + a * ofAgile[i]) / (s + m + a);
    }
}
