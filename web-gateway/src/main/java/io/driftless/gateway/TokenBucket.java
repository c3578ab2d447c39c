package io.driftless.gateway;

/**
 * Allows {@code capacity} events at once and {@code capacity} per {@code periodNanos} on
 * average: the per-session frame cap and the per-client session-creation limit. Time is
 * handed in, so tests drive it. Thread-safe.
 */
final class TokenBucket {

    private final double capacity;
    private final double perNano;
    private double tokens;
    private long lastNanos;

    TokenBucket(int capacity, long periodNanos, long nowNanos) {
        this.capacity = capacity;
        this.perNano = capacity / (double) periodNanos;
        this.tokens = capacity;
        this.lastNanos = nowNanos;
    }

    synchronized boolean tryTake(long nowNanos) {
        tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * perNano);
        lastNanos = nowNanos;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    /** Full again: nothing to remember about its client. */
    synchronized boolean full(long nowNanos) {
        return tokens + (nowNanos - lastNanos) * perNano >= capacity;
    }
}
