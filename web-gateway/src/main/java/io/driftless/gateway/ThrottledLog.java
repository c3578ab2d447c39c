package io.driftless.gateway;

import org.slf4j.Logger;

/**
 * A warning log that writes at most one line per interval and counts what it held back, so a
 * page sending garbage at 30 fps cannot flood the gateway's log. Thread-safe.
 */
final class ThrottledLog {

    private final Logger log;
    private final long intervalNanos;
    private long nextNanos;
    private long suppressed;

    ThrottledLog(Logger log, long intervalMillis) {
        this.log = log;
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.nextNanos = System.nanoTime();
    }

    synchronized void warn(String format, Object... args) {
        long now = System.nanoTime();
        if (now - nextNanos < 0) {
            suppressed++;
            return;
        }
        if (suppressed > 0) {
            Object[] all = new Object[args.length + 1];
            all[0] = suppressed;
            System.arraycopy(args, 0, all, 1, args.length);
            log.warn("({} similar messages suppressed) " + format, all);
        } else {
            log.warn(format, args);
        }
        suppressed = 0;
        nextNanos = now + intervalNanos;
    }
}
