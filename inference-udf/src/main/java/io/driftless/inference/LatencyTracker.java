package io.driftless.inference;

import java.util.Arrays;

/**
 * A high percentile of recent latencies, cheap to update from any thread and free to read on
 * the hot path.
 *
 * <p>Keeps a ring of the last {@code window} samples and recomputes the percentile every
 * {@code window / 8} samples (sorting a copy: a few microseconds once per 32 requests at the
 * default window). Samples expire: once none is younger than {@code horizonMicros}, the
 * estimate falls back to the fastest sample seen in the ring. Without that, an estimate
 * inflated by a slow spell (a cold JIT, a GC pause) could make a caller shed every request,
 * and with no request run it would never learn that the spell is over.
 */
public final class LatencyTracker {

    private final long[] ring;
    private final double quantile;
    private final int recomputeEvery;
    private final long horizonMicros;
    private final MicroClock clock;
    private int next;
    private int filled;
    private int sinceRecompute;
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
        this.quantile = quantile;
        this.recomputeEvery = Math.max(1, window / 8);
        this.horizonMicros = horizonMicros;
        this.clock = clock;
        this.percentile = Math.max(0, initialMicros);
        this.fastest = this.percentile;
        this.lastSampleMicros = clock.nowMicros();
    }

    public synchronized void record(long micros) {
        ring[next] = micros;
        next = (next + 1) % ring.length;
        filled = Math.min(filled + 1, ring.length);
        lastSampleMicros = clock.nowMicros();
        // the first samples replace the prior at once; later ones in steps
        if (filled <= recomputeEvery || ++sinceRecompute >= recomputeEvery) {
            sinceRecompute = 0;
            long[] sorted = Arrays.copyOf(ring, filled);
            Arrays.sort(sorted);
            fastest = sorted[0];
            percentile = sorted[Math.min(filled - 1, (int) Math.ceil(quantile * filled) - 1)];
        }
    }

    /** The current estimate in microseconds. */
    public long micros() {
        return clock.nowMicros() - lastSampleMicros > horizonMicros ? fastest : percentile;
    }
}
