package io.driftless.job.testutils;

import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/** Time for an operator under test: the job clock and the harness's processing time, moved together. */
public final class HarnessTime {

    /** How far time moves at once: timers fire within this of their time, as in a running job. */
    private static final long STEP_US = 100_000;

    private HarnessTime() {}

    /** Moves the clock and the harness's processing time on by {@code us}, firing timers as they come due. */
    public static void pass(ManualClock clock, AbstractStreamOperatorTestHarness<?> harness, long us) throws Exception {
        long until = clock.nowMicros() + us;
        while (clock.nowMicros() < until) {
            clock.set(Math.min(until, clock.nowMicros() + STEP_US));
            harness.setProcessingTime(clock.nowMicros() / 1000);
        }
    }
}
