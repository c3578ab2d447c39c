package io.driftless.source.video;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;

/**
 * Exponential backoff between reconnect attempts: the first wait is {@code initial}, each next
 * one doubles, up to {@code max}; a success starts over. The waits are resilience4j's
 * {@link IntervalFunction}, as for the inference client's reopened streams; this class counts the
 * attempts. Not thread-safe: one reconnecting thread owns it.
 */
public final class Backoff {

    /** Half a second: a camera that blinks comes back before anyone notices. */
    public static final Duration DEFAULT_INITIAL = Duration.ofMillis(500);
    /** Ten seconds: a camera that is gone for long is still tried six times a minute. */
    public static final Duration DEFAULT_MAX = Duration.ofSeconds(10);

    private final Duration initial;
    private final Duration max;
    private final IntervalFunction waits;
    private int attempts;

    public Backoff(Duration initial, Duration max) {
        if (initial == null || initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("the initial backoff must be positive, got " + initial);
        }
        if (max == null || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("the maximum backoff must be at least the initial "
                    + initial + ", got " + max);
        }
        this.initial = initial;
        this.max = max;
        this.waits = IntervalFunction.ofExponentialBackoff(initial, 2.0, max);
    }

    /** How long to wait before the next attempt; each call doubles the one after, up to the max. */
    public Duration next() {
        attempts++;
        return Duration.ofMillis(waits.apply(attempts));
    }

    public Duration initial() {
        return initial;
    }

    public Duration max() {
        return max;
    }

    /** Attempts since the last {@link #reset()}. */
    public int attempts() {
        return attempts;
    }

    /** After a success: the next failure waits the initial time again. */
    public void reset() {
        attempts = 0;
    }
}
