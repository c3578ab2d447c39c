package io.driftless.inference;

import java.util.Arrays;

/**
 * A high percentile of recent latencies, cheap to update from any thread and free to read on
 * the hot path.
 *
 * <p>Keeps a ring of the last {@code window} samples and recomputes the percentile every
 * {@code window / 8} samples, or sooner once an eighth of the horizon has passed (sorting a
 * copy: a few microseconds once per 32 requests at the default window). Samples expire: the
 * percentile counts only samples younger than {@code horizonMicros}, and once none is, the
 * estimate falls back to the fastest sample seen in the ring, or to the prior if that is
 * faster. Without that, an estimate inflated by a slow spell (a cold JIT, a GC pause) could
 * make a caller shed every request, and with no request run it would never learn that the
 * spell is over: after a cold start whose every sample was slower than any budget, the fastest
 * sample alone would keep it shedding for good. Falling back lets requests through again, and
 * their samples set the estimate afresh.
 */
public final class LatencyTracker {

    private final long[] ring;
    private final long[] recordedAt;
    private final double quantile;
    private final int recomputeEvery;
    private final long horizonMicros;
    private final long initialMicros;
    private final MicroClock clock;
    private int next;
    private int filled;
    private int sinceRecompute;
    private long recomputedAt;
    private volatile long percentile;
    private volatile long fastest;
    private volatile long lastSampleMicros;

    /**
     * @param window how many recent samples count
     * @param quantile e.g. 0.95
     * @param initialMicros the estimate before any sample arrives
     * @param horizonMicros how long a sample stays relevant
     */
    public LatencyTracker(int window, double quantile, long initialMicros, long horizonMicros, MicroClock clock) {
        if (window < 8) {
            throw new IllegalArgumentException("window must be at least 8, got " + window);
        }
        if (!(quantile > 0 && quantile <= 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1], got " + quantile);
        }
        this.ring = new long[window];
        this.recordedAt = new long[window];
        this.quantile = quantile;
        this.recomputeEvery = Math.max(1, window / 8);
        this.horizonMicros = horizonMicros;
        this.clock = clock;
        this.initialMicros = Math.max(0, initialMicros);
        this.percentile = this.initialMicros;
        this.fastest = this.initialMicros;
        this.lastSampleMicros = clock.nowMicros();
    }

    public synchronized void record(long micros) {
        long now = clock.nowMicros();
        ring[next] = micros;
        recordedAt[next] = now;
        next = (next + 1) % ring.length;
        filled = Math.min(filled + 1, ring.length);
        lastSampleMicros = now;
        // the first samples replace the prior at once; later ones in steps, or as old ones expire
        if (filled <= recomputeEvery || ++sinceRecompute >= recomputeEvery
                || now - recomputedAt >= horizonMicros / 8) {
            recompute(now);
        }
    }

    private void recompute(long now) {
        sinceRecompute = 0;
        recomputedAt = now;
        long[] recent = new long[filled];
        int count = 0;
        long min = Long.MAX_VALUE;
        for (int i = 0; i < filled; i++) {
            min = Math.min(min, ring[i]);
            if (now - recordedAt[i] <= horizonMicros) {
                recent[count++] = ring[i];
            }
        }
        // the sample just recorded is always recent
        Arrays.sort(recent, 0, count);
        fastest = min;
        percentile = recent[Math.min(count - 1, (int) Math.ceil(quantile * count) - 1)];
    }

    /** The current estimate in microseconds. */
    public long micros() {
        return clock.nowMicros() - lastSampleMicros > horizonMicros ? Math.min(fastest, initialMicros) : percentile;
    }
}
