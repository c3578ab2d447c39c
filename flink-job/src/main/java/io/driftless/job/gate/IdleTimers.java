package io.driftless.job.gate;

import org.apache.flink.streaming.api.TimerService;

/**
 * Per-session state cleanup with one pending timer per session. A frame only moves the session's
 * last-seen time; the pending check, when it fires, clears an idle session or looks again one idle
 * timeout after the last frame. Registering a timer per frame would cost a lookup in Flink's
 * timer set on every frame, the job's largest own cost.
 */
final class IdleTimers {

    private IdleTimers() {}

    /** When to look again, in processing-time milliseconds, rounded up to the next second. */
    static long nextCheck(long lastSeenUs, long idleTimeoutMs) {
        long at = lastSeenUs / 1000 + idleTimeoutMs;
        return (at / 1000 + 1) * 1000;
    }

    /** Registers the session's next check and returns its time, for the session to remember. */
    static long schedule(TimerService timers, long lastSeenUs, long idleTimeoutMs) {
        long at = nextCheck(lastSeenUs, idleTimeoutMs);
        timers.registerProcessingTimeTimer(at);
        return at;
    }

    static boolean idle(long lastSeenUs, long nowUs, long idleTimeoutMs) {
        return nowUs - lastSeenUs >= idleTimeoutMs * 1000;
    }

    /**
     * Whether a timer that fired for a live session is the session's pending check, to be followed
     * by the next one. A timer before it is one left by a version that registered a timer per
     * frame, restored from its checkpoint: following it too would keep two checks per session.
     */
    static boolean isPendingCheck(long timestamp, long pendingCheckMs) {
        return timestamp >= pendingCheckMs;
    }
}
