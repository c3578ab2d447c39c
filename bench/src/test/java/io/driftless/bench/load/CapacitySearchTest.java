package io.driftless.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

class CapacitySearchTest {

    /**
     * A bounded model of the system: p99 grows like a queue's towards a saturation point, and the
     * targets hold while p99 stays under the deadline.
     */
    private static IntPredicate queueWithCapacity(int saturationUsers) {
        return users -> users < saturationUsers && 2.0 + 1_000.0 / (saturationUsers - users) < 33;
    }

    private static CapacitySearch.Probe<Double> probe(IntPredicate passes) {
        return users -> new CapacitySearch.Step<>(users, passes.test(users), (double) users);
    }

    /** The largest passing size of the synthetic curve, found by walking it. */
    private static int truth(IntPredicate passes) {
        int users = 0;
        while (passes.test(users + 1)) {
            users++;
        }
        return users;
    }

    @Test
    void convergesWithinTheToleranceOnASaturatingSystem() throws Exception {
        IntPredicate system = queueWithCapacity(1_234);
        int exact = truth(system);

        CapacitySearch.Result<Double> result = new CapacitySearch(100, 10_000, 20, 0.05).search(probe(system));

        assertThat(result.bracketed()).isTrue();
        assertThat(result.users()).isLessThanOrEqualTo(exact).isGreaterThanOrEqualTo((int) (exact / 1.05));
        assertThat(result.steps()).allSatisfy(s -> assertThat(s.passed()).isEqualTo(system.test(s.users())));
    }

    @Test
    void searchesDownwardsWhenTheStartAlreadyFails() throws Exception {
        IntPredicate system = queueWithCapacity(40);

        CapacitySearch.Result<Double> result = new CapacitySearch(500, 10_000, 20, 0.05).search(probe(system));

        assertThat(result.bracketed()).isTrue();
        assertThat(result.users()).isBetween((int) (truth(system) / 1.05), truth(system));
        assertThat(result.steps()).extracting(CapacitySearch.Step::users).startsWith(500, 500, 250);
    }

    @Test
    void findsTheExactLimitWhenTheToleranceIsBelowOneUser() throws Exception {
        IntPredicate system = users -> users <= 37;

        CapacitySearch.Result<Double> result = new CapacitySearch(10, 1_000, 30, 0.001).search(probe(system));

        assertThat(result.users()).isEqualTo(37);
        assertThat(result.bracketed()).isTrue();
    }

    @Test
    void reportsZeroWhenEvenOneUserFails() throws Exception {
        CapacitySearch.Result<Double> result = new CapacitySearch(8, 100, 10, 0.1).search(probe(users -> false));

        assertThat(result.users()).isZero();
        assertThat(result.bracketed()).isTrue();
        assertThat(result.steps()).extracting(CapacitySearch.Step::users).containsExactly(8, 8, 4, 4, 2, 2, 1, 1);
    }

    @Test
    void saysTheResultIsALowerBoundWhenTheLimitIsNeverReached() throws Exception {
        CapacitySearch.Result<Double> result = new CapacitySearch(10, 100, 10, 0.1).search(probe(users -> true));

        assertThat(result.users()).isEqualTo(100);
        assertThat(result.bracketed()).isFalse();
        assertThat(result.steps()).extracting(CapacitySearch.Step::users).containsExactly(10, 20, 40, 80, 100);
    }

    @Test
    void stopsAfterItsStepsEvenWhenNotBracketed() throws Exception {
        CapacitySearch.Result<Double> result =
                new CapacitySearch(10, 100_000, 3, 0.01).search(probe(queueWithCapacity(50_000)));

        assertThat(result.steps()).hasSize(3);
        assertThat(result.users()).isEqualTo(40);
        assertThat(result.bracketed()).isFalse();
    }

    @Test
    void aSizeFailsOnlyWhenItsSecondProbeFailsToo() throws Exception {
        IntPredicate system = queueWithCapacity(1_234);
        int[] probesOf100 = {0};
        // the first probe of 100 users hits a hiccup; the second does not
        CapacitySearch.Probe<Double> hiccup = users -> new CapacitySearch.Step<>(users,
                system.test(users) && !(users == 100 && probesOf100[0]++ == 0), (double) users);

        CapacitySearch.Result<Double> result = new CapacitySearch(100, 10_000, 20, 0.05).search(hiccup);

        assertThat(result.steps()).extracting(CapacitySearch.Step::users).startsWith(100, 100, 200);
        assertThat(result.users()).isGreaterThanOrEqualTo((int) (truth(system) / 1.05));
        assertThat(result.bracketed()).isTrue();
    }

    @Test
    void rejectsAStartAboveTheMaximum() {
        assertThatThrownBy(() -> new CapacitySearch(200, 100, 5, 0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("startUsers must be between 1 and maxUsers (100), got 200");
    }
}
