package io.driftless.job;

import org.slf4j.Logger;

/**
 * A warning log that writes at most one line per interval and counts what it held back, so
 * a client sending garbage at 30 fps cannot flood the TaskManager's log. Not thread-safe: one
 * per operator instance.
 */
public final class ThrottledLog {

    private final Logger log;
    private final long intervalNanos;
    private long nextNanos;
    private long suppressed;

    public ThrottledLog(Logger log, long intervalMillis) {
        this.log = log;
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.nextNanos = System.nanoTime();
    }

    public void warn(String format, Object... args) {
        long now = System.nanoTime();
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
