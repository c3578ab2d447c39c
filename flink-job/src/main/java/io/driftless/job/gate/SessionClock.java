package io.driftless.job.gate;

/**
 * Estimates a session's clock offset (job clock minus client clock), NTP-style: every frame
 * gives a sample {@code arrival - send} = offset + one-way transit time, so the smallest
 * recent sample is the offset plus the least transit, which on a healthy path is well under a
 * millisecond. The window of recent frames follows clock drift.
 *
 * <p>The estimate is the second-smallest sample, so one frame with a bogus send stamp cannot
 * make every following frame of the session look old. A client clock that steps back is
 * followed once the window has turned over.
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
        long second = Long.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            long sample = samples[i];
            if (sample < min) {
                second = min;
                min = sample;
            } else if (sample < second) {
                second = sample;
            }
        }
        return count == 1 ? min : second;
    }
}
