package io.driftless.cluster.testutils;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Samples a growing count (responses so far) every 10 ms on a thread of its own, keeping when it
 * grew, so that the service gap around a fault can be read afterwards even while the test was
 * busy killing and starting processes.
 */
public final class ServiceWatch implements AutoCloseable {

    private record Sample(long nanos, long count) {}

    private final LongSupplier count;
    private final List<Sample> growth = new ArrayList<>();
    private final Thread sampler;
    private volatile boolean running = true;

    public ServiceWatch(LongSupplier count) {
        this.count = count;
        this.sampler = new Thread(this::sample, "service-watch");
        this.sampler.setDaemon(true);
        this.sampler.start();
    }

    private void sample() {
        long last = Long.MIN_VALUE;
        while (running) {
            long now = count.getAsLong();
            if (now != last) {
                synchronized (growth) {
                    growth.add(new Sample(System.nanoTime(), now));
                }
                last = now;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The count now. */
    public long count() {
        return count.getAsLong();
    }

    /** Polls until the count has grown by {@code by}, failing with {@code what} after {@code timeoutMillis}. */
    public void awaitGrowth(long by, long timeoutMillis, String what) {
        long target = count.getAsLong() + by;
        await(what + ": the count growing by " + by).atMost(Duration.ofMillis(timeoutMillis))
                .pollInterval(Duration.ofMillis(20)).until(count::getAsLong, now -> now >= target);
    }

    /**
     * From {@code sinceNanos} (a fault) to the end of the longest stretch without growth that
     * followed it: how long until the count grew again after the worst of the outage.
     */
    public long millisUntilBackAfter(long sinceNanos) {
        List<Sample> after = samplesAfter(sinceNanos);
        long previous = sinceNanos;
        long longest = -1;
        long end = sinceNanos;
        for (Sample sample : after) {
            if (sample.nanos() - previous > longest) {
                longest = sample.nanos() - previous;
                end = sample.nanos();
            }
            previous = sample.nanos();
        }
        return TimeUnit.NANOSECONDS.toMillis(end - sinceNanos);
    }

    /** The longest stretch without growth after {@code sinceNanos}, in milliseconds. */
    public long longestStallMillisAfter(long sinceNanos) {
        long previous = sinceNanos;
        long longest = 0;
        for (Sample sample : samplesAfter(sinceNanos)) {
            longest = Math.max(longest, sample.nanos() - previous);
            previous = sample.nanos();
        }
        return TimeUnit.NANOSECONDS.toMillis(longest);
    }

    private List<Sample> samplesAfter(long sinceNanos) {
        synchronized (growth) {
            return growth.stream().filter(s -> s.nanos() - sinceNanos > 0).toList();
        }
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
