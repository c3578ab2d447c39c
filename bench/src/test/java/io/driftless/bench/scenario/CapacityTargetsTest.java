package io.driftless.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.bench.load.RunResult;
import io.driftless.bench.report.Point;
import io.driftless.source.RunSummary.Drift;
import io.driftless.source.RunSummary.Stages;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A capacity step is judged on the medians of its runs, so one hiccup does not end the search. */
class CapacityTargetsTest {

    private static RunResult run(double p99Ms, double onTime, long unaccounted) {
        return new RunResult("pipeline", 100, 30, 3_000, 10, 30_000, 30_000, Map.of(), 0, unaccounted, 0, onTime,
                3_000 * onTime, 5, p99Ms, p99Ms, p99Ms, 0.2, 0.4, 120, 9, List.of(), Drift.UNDEFINED, Stages.NONE);
    }

    @Test
    void oneSlowRunOfThreeDoesNotFailTheStep() {
        Point step = Point.of("capacity search", List.of(run(18, 0.9999, 0), run(32.5, 0.988, 0), run(21, 0.9995, 0)));

        assertThat(Capacity.meetsTargets(step)).isTrue();
    }

    @Test
    void twoSlowRunsOfThreeFailIt() {
        Point late = Point.of("capacity search", List.of(run(18, 0.9999, 0), run(25, 0.995, 0), run(24, 0.996, 0)));
        Point slow = Point.of("capacity search", List.of(run(34, 0.9999, 0), run(35, 0.9995, 0), run(21, 0.9995, 0)));

        assertThat(Capacity.meetsTargets(late)).as("median on time under 99.9%").isFalse();
        assertThat(Capacity.meetsTargets(slow)).as("median p99 over the deadline").isFalse();
    }

    @Test
    void aFrameUnaccountedForInAnyRunFailsIt() {
        Point step = Point.of("capacity search", List.of(run(18, 0.9999, 0), run(18, 0.9999, 1), run(18, 0.9999, 0)));

        assertThat(Capacity.meetsTargets(step)).isFalse();
    }
}
