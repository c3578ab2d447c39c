package io.driftless.job.testutils;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** Checks on how a gate cleans up the state of a session that went silent. */
public final class IdleCleanup {

    private IdleCleanup() {}

    /**
     * Passes time from the session's last frame, now, and checks that its state stays until the
     * idle timeout and is gone, with its timer, within the second the check is rounded up by.
     */
    public static void assertHeldForTheTimeoutThenCleared(ManualClock clock,
            KeyedOneInputStreamOperatorTestHarness<?, ?, ?> harness, long idleTimeoutMs) throws Exception {
        HarnessTime.pass(clock, harness, idleTimeoutMs * 1_000 - 100_000);
        assertThat(harness.numKeyedStateEntries()).as("state 0.1 s before the idle timeout").isEqualTo(1);
        HarnessTime.pass(clock, harness, 1_100_000);
        assertThat(harness.numKeyedStateEntries()).as("state 1 s after the idle timeout").isZero();
        assertThat(harness.numProcessingTimeTimers()).as("timers 1 s after the idle timeout").isZero();
    }
}
