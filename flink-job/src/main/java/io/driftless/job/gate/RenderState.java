package io.driftless.job.gate;

import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import io.driftless.job.DriftlessOptions.Smoothing;

/** What the render gate remembers of one session. A Flink POJO. */
public class RenderState {

    public boolean renderedAny;
    /** The newest rendered sequence (valid when {@link #renderedAny}). */
    public long lastSequence;
    public long lastSeenUs;
    /** Processing time, ms, of the session's one pending idle check; 0 when none is remembered. */
    public long idleCheckMs;
    public PoseSmoother smoother;
    public MotionFilter motion;

    public RenderState() {}

    /**
     * Feeds the pose measured on the frame captured at {@code captureUs} by {@code camera} (yaw,
     * pitch, roll, x, y, z) to the session's motion state, before any smoothing (the filter weighs the noise
     * itself), and picks the pose to draw as {@code smoothing} says. The render gate does this for
     * every pose it renders, and the benchmarks' drift floor replays it.
     */
    public TrackedPose track(double[] measured, PinholeCamera camera, long captureUs, Smoothing smoothing,
            KalmanWorkspace workspace) {
        if (motion == null) {
            motion = new MotionFilter();
        }
        boolean known = motion.update(measured, camera, captureUs, workspace);
        double[] pose = measured.clone();
        switch (smoothing) {
            case MOTION_STATE -> {
                if (known) {
                    pose = motion.pose();
                }
            }
            case ONE_EURO -> {
                if (smoother == null) {
                    smoother = new PoseSmoother();
                }
                smoother.apply(pose, captureUs);
            }
            case NONE -> { }
        }
        return new TrackedPose(new HeadPose(pose[0], pose[1], pose[2], pose[3], pose[4], pose[5]),
                known ? motion.rates() : null);
    }
}
