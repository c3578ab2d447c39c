package io.driftless.job.gate;

/** Per-session state cleanup with few timers: one per session per second at most. */
final class IdleTimers {

    private IdleTimers() {}

    /** When to look again, in processing-time milliseconds, rounded up to the next second. */
    static long nextCheck(long nowUs, long idleTimeoutMs) {
        long at = nowUs / 1000 + idleTimeoutMs;
        return (at / 1000 + 1) * 1000;
    }

    static boolean idle(long lastSeenUs, long nowUs, long idleTimeoutMs) {
        return nowUs - lastSeenUs >= idleTimeoutMs * 1000;
    }
}
