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
 *
 * <p>The estimate also falls back once no sample has come for {@code silenceMicros}, which may
 * be far shorter than the horizon, and the samples after the silence start the ring afresh. A
 * caller that sheds every request on the estimate records no sample, so silence is what
 * shedding on a stale estimate looks like: a cold JVM's first slow runs would otherwise hold a
 * whole stream of frames off the model until they expire. Where the model really is that slow,
 * the requests let through are late and their samples raise the estimate again at once.
 */
public final class LatencyTracker {

    private final long[] ring;
    private final long[] recordedAt;
    private final double quantile;
    private final int recomputeEvery;
    private final long horizonMicros;
    private final long silenceMicros;
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
     * @param silenceMicros how long without any sample before the estimate stops trusting the
     *     samples it has; at most {@code horizonMicros}
     */
    public LatencyTracker(int window, double quantile, long initialMicros, long horizonMicros, long silenceMicros,
            MicroClock clock) {
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
        if (silenceMicros <= 0 || silenceMicros > horizonMicros) {
            throw new IllegalArgumentException("silence must be in (0, " + horizonMicros + "] us, got " + silenceMicros);
        }
        this.horizonMicros = horizonMicros;
        this.silenceMicros = silenceMicros;
        this.clock = clock;
        this.initialMicros = Math.max(0, initialMicros);
        this.percentile = this.initialMicros;
        this.fastest = this.initialMicros;
        this.lastSampleMicros = clock.nowMicros();
    }

    public synchronized void record(long micros) {
        long now = clock.nowMicros();
        if (now - lastSampleMicros > silenceMicros) {
            // the estimate had fallen back: the first samples after the silence set it afresh
            // rather than being outvoted by the spell before it
            filled = 0;
            next = 0;
        }
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
        return clock.nowMicros() - lastSampleMicros > silenceMicros ? Math.min(fastest, initialMicros) : percentile;
    }
}
