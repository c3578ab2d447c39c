package io.driftless.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LatencyTrackerTest {

    private final AtomicLong now = new AtomicLong(0);
    private final LatencyTracker tracker = new LatencyTracker(100, 0.95, 5_000, 1_000_000, 1_000_000, now::get);

    @Test
    void startsFromThePrior() {
        assertThat(tracker.micros()).isEqualTo(5_000);
    }

    @Test
    void estimatesAHighPercentileOfRecentSamples() {
        // the estimate is refreshed every 12 samples (window / 8): 96 is a refresh point
        for (int i = 1; i <= 96; i++) {
            tracker.record(i * 10);
        }
        assertThat(tracker.micros()).isEqualTo(920);
    }

    @Test
    void forgetsOldSamplesSoASlowSpellCannotShedLoadForever() {
        for (int i = 0; i < 84; i++) {
            tracker.record(100);
        }
        for (int i = 0; i < 12; i++) {
            tracker.record(90_000);
        }
        assertThat(tracker.micros()).isEqualTo(90_000);

        now.set(1_000_001);
        assertThat(tracker.micros()).as("fastest recent sample once all are stale").isEqualTo(100);
    }

    @Test
    void fallsBackToThePriorWhenEvenTheFastestSampleIsSlowSoCallersTryAgain() {
        // a cold start slower than any budget: a caller comparing budgets with the estimate then
        // runs nothing, so no sample could ever bring the estimate down
        for (int i = 0; i < 50; i++) {
            now.addAndGet(1_000);
            tracker.record(40_000 + i);
        }
        assertThat(tracker.micros()).isGreaterThanOrEqualTo(40_000);

        now.addAndGet(1_000_001);
        assertThat(tracker.micros()).as("the prior, once every sample is stale and slower than it").isEqualTo(5_000);

        // the requests let through again set the estimate afresh, without the stale spell
        for (int i = 0; i < 12; i++) {
            now.addAndGet(1_000);
            tracker.record(3_000);
        }
        assertThat(tracker.micros()).isEqualTo(3_000);
    }

    @Test
    void aTrickleOfFastSamplesOutlivesASlowSpellBeforeIt() {
        // a cold start: every frame slow, so a caller then sheds nearly all and runs only a few
        for (int i = 0; i < 50; i++) {
            now.addAndGet(1_000);
            tracker.record(90_000);
        }
        assertThat(tracker.micros()).isEqualTo(90_000);

        // one fast sample every 400 ms: never stale, yet the slow ones are past the horizon
        for (int i = 0; i < 4; i++) {
            now.addAndGet(400_000);
            tracker.record(2_000);
        }
        assertThat(tracker.micros()).as("the slow spell's samples have expired").isEqualTo(2_000);
    }

    @Test
    void fallsBackAfterASilenceShorterThanTheHorizonAndStartsAfreshAfterIt() {
        LatencyTracker gated = new LatencyTracker(100, 0.95, 5_000, 5_000_000, 250_000, now::get);
        // a cold start's first runs, slower than any budget: a gate comparing budgets with the
        // estimate then lets nothing through, and no run records a sample
        for (int i = 0; i < 15; i++) {
            now.addAndGet(10_000);
            gated.record(90_000);
        }
        assertThat(gated.micros()).isEqualTo(90_000);
        now.addAndGet(250_000);
        assertThat(gated.micros()).as("still within the silence").isEqualTo(90_000);
        now.addAndGet(1);
        assertThat(gated.micros()).as("the prior, long before the slow runs expire").isEqualTo(5_000);

        // the runs let through are warm: their samples alone set the estimate, not outvoted by
        // the slow spell that is still within the horizon
        for (int i = 0; i < 3; i++) {
            now.addAndGet(10_000);
            gated.record(2_000 + i);
        }
        assertThat(gated.micros()).isEqualTo(2_002);
    }

    @Test
    void rejectsNonsenseParameters() {
        assertThatThrownBy(() -> new LatencyTracker(2, 0.95, 0, 1, 1, now::get)).hasMessageContaining("window");
        assertThatThrownBy(() -> new LatencyTracker(16, 1.5, 0, 1, 1, now::get)).hasMessageContaining("quantile");
        assertThatThrownBy(() -> new LatencyTracker(16, 0.95, 0, 1_000, 2_000, now::get))
                .hasMessageContaining("silence");
    }
}
