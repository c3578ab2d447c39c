package io.driftless.job.gate;

/**
 * Estimates a session's clock offset (job clock minus client clock), NTP-style: every frame
 * gives a sample {@code ingest - send} = offset + one-way transit time, so the smallest
 * recent sample is the offset plus the least transit, which on a healthy path is well under a
 * millisecond. Taking the minimum over a window of recent frames follows clock drift and
 * forgets a one-off anomaly.
 *
 * <p>A Flink POJO kept in keyed state.
 */
public class SessionClock {

    public long[] samples;
    public int next;
    public int count;

    public SessionClock() {}

    public SessionClock(int window) {
        this.samples = new long[window];
    }

    public void add(long ingestMinusSendUs) {
        samples[next] = ingestMinusSendUs;
        next = (next + 1) % samples.length;
        count = Math.min(count + 1, samples.length);
    }

    /** Call only after at least one {@link #add}. */
    public long offsetUs() {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            min = Math.min(min, samples[i]);
        }
        return min;
    }

    /** Whether enough samples came in for the minimum to be a good estimate. */
    public boolean trusted(int minSamples) {
        return count >= minSamples;
    }
}
