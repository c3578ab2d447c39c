package io.driftless.job.gate;

/** What the admission gate remembers of one session. A Flink POJO. */
public class AdmissionState {

    public SessionClock clock;
    public boolean admittedAny;
    /** The newest admitted sequence (valid when {@link #admittedAny}). */
    public long lastSequence;
    /** Job clock, microseconds. */
    public long lastSeenUs;
    /** Processing time, ms, of the session's one pending idle check; 0 when none is remembered. */
    public long idleCheckMs;
    public SessionRate rate;

    public AdmissionState() {}

    AdmissionState(int clockWindow) {
        this.clock = new SessionClock(clockWindow);
        this.rate = new SessionRate();
    }
}
