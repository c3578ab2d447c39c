package io.driftless.log;

import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * A warning log that writes at most one line per interval and counts what it held back, so a
 * client sending garbage at 30 fps cannot flood the log of a TaskManager or of the gateway.
 * Thread-safe: the gateway shares one across its connections; the job's operators, one each,
 * pay an uncontended lock only on bad input.
 */
public final class ThrottledLog {

    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private long nextNanos;
    private long suppressed;

    public ThrottledLog(Logger log, long intervalMillis) {
        this(log, intervalMillis, System::nanoTime);
    }

    ThrottledLog(Logger log, long intervalMillis, LongSupplier nanoTime) {
        if (intervalMillis < 0) {
            throw new IllegalArgumentException("intervalMillis must be 0 or more, was " + intervalMillis);
        }
        this.log = log;
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.nanoTime = nanoTime;
        this.nextNanos = nanoTime.getAsLong();
    }

    public synchronized void warn(String format, Object... args) {
        long now = nanoTime.getAsLong();
        if (now - nextNanos < 0) {
            suppressed++;
            return;
        }
        if (suppressed > 0) {
            log.warn("({} similar messages suppressed) " + format, prepend(suppressed, args));
        } else {
            log.warn(format, args);
        }
        suppressed = 0;
        nextNanos = now + intervalNanos;
    }

    private static Object[] prepend(long count, Object[] args) {
        Object[] all = new Object[args.length + 1];
        all[0] = count;
        System.arraycopy(args, 0, all, 1, args.length);
        return all;
    }
}
