package io.driftless.source.video;

import java.time.Duration;

/**
 * Exponential backoff between reconnect attempts: the first wait is {@code initial}, each next
 * one doubles, up to {@code max}; a success starts over. Not thread-safe: one reconnecting
 * thread owns it.
 */
public final class Backoff {

    /** Half a second: a camera that blinks comes back before anyone notices. */
    public static final Duration DEFAULT_INITIAL = Duration.ofMillis(500);
    /** Ten seconds: a camera that is gone for long is still tried six times a minute. */
    public static final Duration DEFAULT_MAX = Duration.ofSeconds(10);

    private final long initialNanos;
    private final long maxNanos;
    private long nextNanos;
    private int attempts;

    public Backoff(Duration initial, Duration max) {
        if (initial == null || initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("the initial backoff must be positive, got " + initial);
        }
        if (max == null || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("the maximum backoff must be at least the initial "
                    + initial + ", got " + max);
        }
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        this.nextNanos = initialNanos;
    }

    /** How long to wait before the next attempt; each call doubles the one after, up to the max. */
    public Duration next() {
        long wait = nextNanos;
        nextNanos = Math.min(maxNanos, nextNanos * 2);
        attempts++;
        return Duration.ofNanos(wait);
    }

    public Duration initial() {
        return Duration.ofNanos(initialNanos);
    }

    public Duration max() {
        return Duration.ofNanos(maxNanos);
    }

    /** Attempts since the last {@link #reset()}. */
    public int attempts() {
        return attempts;
    }

    /** After a success: the next failure waits the initial time again. */
    public void reset() {
        nextNanos = initialNanos;
        attempts = 0;
    }
}
