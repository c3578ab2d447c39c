package io.driftless.bench.floor;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.source.MotionProfile;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The drift floor, which needs no clock: carrying the answers at the job's velocities must beat
 * drawing them as answered and beat the client's own line through its last answers, at every
 * head speed. (With one agile motion model alone, the client's line was the better at calm and
 * normal speeds, and drawing as answered the better under a shake.)
 */
class DriftFloorTest {

    private static List<DriftFloor.Result> floor;

    @BeforeAll
    static void measure() throws Exception {
        floor = DriftFloor.measure(10, 8);
        floor.forEach(System.out::println);
    }

    @Test
    void measuresEveryMotionProfile() {
        assertThat(floor).extracting(DriftFloor.Result::motion).containsExactly(MotionProfile.values());
        for (DriftFloor.Result r : floor) {
            assertThat(r.atJobVelocities().mean()).isPositive().isLessThanOrEqualTo(r.atJobVelocities().p95());
            assertThat(r.atJobVelocities().p95()).isLessThanOrEqualTo(r.atJobVelocities().p99());
        }
    }

    @Test
    void theJobsVelocitiesBeatTheAnswerAsItIsAndTheClientsOwnLine() {
        for (DriftFloor.Result r : floor) {
            assertThat(r.atJobVelocities().mean()).as("%s: at the job's velocities against as answered", r.motion())
                    .isLessThan(r.asAnswered().mean());
            assertThat(r.atJobVelocities().mean()).as("%s: at the job's velocities against the client's line", r.motion())
                    .isLessThan(r.alongClientLine().mean());
        }
    }

    @Test
    void aFasterHeadDriftsMore() {
        double calm = floor.get(MotionProfile.CALM.ordinal()).atJobVelocities().mean();
        double fast = floor.get(MotionProfile.FAST.ordinal()).atJobVelocities().mean();
        assertThat(fast).isGreaterThan(calm);
    }
}
