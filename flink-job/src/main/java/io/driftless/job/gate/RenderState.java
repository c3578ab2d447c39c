package io.driftless.job.gate;

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
}
