package io.driftless.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchPlanTest {

    @Test
    void quickAndFullRunEveryScenarioAtTheirSizes() {
        assertThat(BenchPlan.quick().profileUsers()).containsExactly(50, 200, 500);
        assertThat(BenchPlan.full().profileUsers()).containsExactly(200, 1_000, 3_000);
        assertThat(BenchPlan.full().referenceUsers()).isEqualTo(1_000);
        assertThat(BenchPlan.full().repeats()).isEqualTo(3);
        assertThat(BenchPlan.quick().scenarios()).isEqualTo(BenchPlan.ALL_SCENARIOS);
    }

    @Test
    void rejectsAReferenceSizeOutsideTheProfile() {
        assertThatThrownBy(() -> plan(List.of(10, 20), 15, List.of("capacity")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("referenceUsers 15 must be one of profileUsers [10, 20]");
    }

    @Test
    void rejectsAnUnknownScenario() {
        assertThatThrownBy(() -> plan(List.of(10), 10, List.of("capacity", "latency")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown scenario 'latency': choose from [cold-start, latency-profile, capacity");
    }

    @Test
    void everyScenarioOfThePlanExistsInTheSuite() {
        assertThat(BenchSuite.scenarios()).extracting(s -> s.id()).containsExactlyElementsOf(BenchPlan.ALL_SCENARIOS);
    }

    private static BenchPlan plan(List<Integer> sizes, int reference, List<String> scenarios) {
        Duration s = Duration.ofSeconds(1);
        return new BenchPlan("test", 30, sizes, reference, s, s, s, 1, 1, 10, 2, s, 8, scenarios);
    }
}
