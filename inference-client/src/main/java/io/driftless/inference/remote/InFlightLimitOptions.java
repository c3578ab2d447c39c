package io.driftless.inference.remote;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import io.driftless.inference.MicroClock;
import java.io.Serializable;
import java.util.concurrent.TimeUnit;

/**
 * How many frames one remote client may have in flight to its servers at once: a limit learned
 * from the round trips it sees (Netflix's concurrency-limits), so that frames beyond what the
 * servers answer in time are refused at the client, at once, as OVERLOADED, instead of being
 * sent to wait in the transport and the server's queue past their deadlines.
 *
 * <p>Each round trip is a sample: an answer a success, a frame whose deadline passed or that
 * the server refused a drop; round trips are pooled into windows of at least
 * {@value #WINDOW_MILLIS} ms before the algorithm sees them, so that its memory spans seconds
 * whatever the frame rate (the algorithms count samples, and thousands come a second).
 *
 * @param algorithm how the limit follows the round trips
 * @param initialLimit the limit before the first window of round trips
 * @param minLimit the limit never falls below it: what the servers are always trusted with
 * @param maxLimit the limit never grows beyond it
 */
public record InFlightLimitOptions(Algorithm algorithm, int initialLimit, int minLimit, int maxLimit)
        implements Serializable {

    /**
     * Vegas, starting at 20 frames and never below: a floor that no noise in the round trips can
     * push the limit under, and that still keeps a saturated server's round trip a small share
     * of a 33 ms budget (20 frames at 5,000 frames a second wait 4 ms). At most 200: beyond that
     * a few thousand frames a second would queue past any budget.
     */
    public static final InFlightLimitOptions VEGAS = new InFlightLimitOptions(Algorithm.VEGAS, 20, 20, 200);

    /**
     * Off, with {@link #VEGAS}'s bounds for whoever switches it on. Measured on one machine with
     * the server's per-stream window in place, Vegas refused frames that would have made their
     * deadline: at 70% of capacity it refused 21% and kept 78% on time, against 99.87% without
     * it; at twice the capacity 31% against 90%.
     */
    public static final InFlightLimitOptions DEFAULTS = new InFlightLimitOptions(Algorithm.OFF, 20, 20, 200);

    /** No adaptive limit: only HTTP/2 flow control bounds the frames in flight. */
    public static final InFlightLimitOptions OFF = new InFlightLimitOptions(Algorithm.OFF, 1, 1, 1);

    /** Shortest window of round trips the algorithm sees as one sample. */
    static final long WINDOW_MILLIS = 100;
    /** Longest window: a window also ends after twice its fastest round trip, when that is longer. */
    static final long MAX_WINDOW_MILLIS = 1_000;

    /** How the limit follows the round trips. */
    public enum Algorithm {
        /**
         * TCP Vegas: keeps only a few frames queued beyond the fastest recent round trip, and
         * shrinks the limit after every window with a drop. Its reference is a minimum, so it
         * needs no quiet spell to learn it, and a long overload does not move it.
         */
        VEGAS,
        /**
         * Netflix's Gradient2: shrinks the limit in proportion when the recent round trip grows
         * beyond 1.5 times its long-run average, and grows it while it does not. The average
         * learns from loaded round trips too, so a long overload lets the limit creep up.
         */
        GRADIENT2,
        /** No limit. */
        OFF
    }

    public InFlightLimitOptions {
        if (algorithm == null) {
            throw new IllegalArgumentException("algorithm must be set: gradient2, vegas or off");
        }
        if (algorithm != Algorithm.OFF) {
            if (minLimit < 1) {
                throw new IllegalArgumentException("minLimit must be at least 1, got " + minLimit);
            }
            if (maxLimit < minLimit) {
                throw new IllegalArgumentException(
                        "maxLimit (" + maxLimit + ") must be at least minLimit (" + minLimit + ")");
            }
            if (initialLimit < minLimit || initialLimit > maxLimit) {
                throw new IllegalArgumentException("initialLimit must be between minLimit (" + minLimit
                        + ") and maxLimit (" + maxLimit + "), got " + initialLimit);
            }
        }
    }

    /** Whether an adaptive limit applies at all. */
    public boolean enabled() {
        return algorithm != Algorithm.OFF;
    }

    /** A limiter on {@code clock}: round trips are measured on it, so a test can drive them by hand. */
    SimpleLimiter<Void> newLimiter(MicroClock clock) {
        return SimpleLimiter.newBuilder()
                .named("remote-inference")
                .limit(limit())
                .nanoClock(() -> clock.nowMicros() * 1_000)
                .build();
    }

    private Limit limit() {
        return switch (algorithm) {
            case GRADIENT2 -> windowed(Gradient2Limit.newBuilder()
                    .initialLimit(initialLimit)
                    .minLimit(minLimit)
                    .maxConcurrency(maxLimit)
                    .build());
            case VEGAS -> windowed(VegasLimit.newBuilder()
                    .initialLimit(initialLimit)
                    .maxConcurrency(maxLimit)
                    // Vegas has no floor of its own: every decrease stops at the minimum
                    .decreaseFunction(limit -> Math.max(minLimit, limit - Math.max(1, (int) Math.log10(limit))))
                    .build());
            // a semaphore no client can exhaust: flow control alone decides, and in flight is still counted
            case OFF -> FixedLimit.of(Integer.MAX_VALUE);
        };
    }

    private static Limit windowed(Limit limit) {
        return WindowedLimit.newBuilder()
                .minWindowTime(WINDOW_MILLIS, TimeUnit.MILLISECONDS)
                .maxWindowTime(MAX_WINDOW_MILLIS, TimeUnit.MILLISECONDS)
                .build(limit);
    }
}
