package io.driftless.job.gate;

/**
 * One session's arrival rate and its {@link SessionRateCap} token bucket, on the job's clock:
 * a client can fake its own stamps, not the time its frames reach the job.
 *
 * <p>A Flink POJO kept in keyed state, so the bucket survives a restore from a checkpoint.
 */
public class SessionRate {

    /** Bucket contents in millionths of a frame. */
    public long tokens;
    /** Job clock, microseconds, of the last refill; 0 before the first frame. */
    public long refilledUs;
    /** Job clock, microseconds, of the last arrival; 0 before the first frame. */
    public long lastArrivalUs;
    /** Moving average of the time between arrivals, microseconds; 0 before the second frame. */
    public long meanIntervalUs;

    public SessionRate() {}

    /** Counts an arrival at {@code nowUs} into the rate estimate, whatever becomes of the frame. */
    void arrived(long nowUs) {
        if (lastArrivalUs != 0) {
            // at least 1 us, so a known average is never 0: frames Kafka delivers together count as 1 us apart
            long interval = Math.max(1, nowUs - lastArrivalUs);
            // an average over the last ~8 intervals: smooth enough to quote, quick to follow
            meanIntervalUs = meanIntervalUs == 0 ? interval : meanIntervalUs + (interval - meanIntervalUs) / 8;
        }
        lastArrivalUs = nowUs;
    }

    /** Takes one frame's token if the bucket, refilled up to {@code nowUs}, holds one. */
    boolean tryTake(long nowUs, SessionRateCap cap) {
        long capacity = cap.capacity();
        if (refilledUs == 0) {
            tokens = capacity;
        } else {
            long elapsed = Math.max(0, nowUs - refilledUs);
            // compared by division so a long pause cannot overflow the product
            tokens = elapsed >= (capacity - tokens) / cap.maxFps() ? capacity : tokens + elapsed * cap.maxFps();
        }
        refilledUs = nowUs;
        if (tokens < SessionRateCap.FRAME) {
            return false;
        }
        tokens -= SessionRateCap.FRAME;
        return true;
    }

    /** The session's recent arrival rate in frames per second; 0 until it has sent two frames. */
    long fps() {
        return meanIntervalUs == 0 ? 0 : 1_000_000 / meanIntervalUs;
    }
}
