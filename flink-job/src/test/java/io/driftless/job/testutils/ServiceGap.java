package io.driftless.job.testutils;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Watches a growing count (responses so far) and measures the longest stretch in which it did
 * not grow: the service gap a user saw during a fault.
 */
public final class ServiceGap {

    private static final long SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final LongSupplier count;
    private long last;
    private long lastGrowthNanos;
    private long longestNanos;

    public ServiceGap(LongSupplier count) {
        this.count = count;
        this.last = count.getAsLong();
        this.lastGrowthNanos = System.nanoTime();
    }

    /** Samples the count for {@code millis}, then returns. */
    public void watchFor(long millis) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() - until < 0) {
            sample();
            TimeUnit.NANOSECONDS.sleep(SAMPLE_NANOS);
        }
    }

    /** Samples the count until it has grown by {@code growth}, failing after {@code timeoutMillis}. */
    public void watchUntilGrownBy(long growth, long timeoutMillis) {
        long target = count.getAsLong() + growth;
        // sampled on this thread, as watchFor does: the gap's fields have no other writer
        await("the count growing by " + growth + " to " + target).atMost(Duration.ofMillis(timeoutMillis))
                .pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofNanos(SAMPLE_NANOS))
                .until(this::sample, current -> current >= target);
    }

    private long sample() {
        long now = System.nanoTime();
        long current = count.getAsLong();
        if (current != last) {
            longestNanos = Math.max(longestNanos, now - lastGrowthNanos);
            last = current;
            lastGrowthNanos = now;
        }
        return current;
    }

    /** The longest stretch without growth so far, in milliseconds. */
    public long longestMillis() {
        return TimeUnit.NANOSECONDS.toMillis(longestNanos);
    }
}
