package io.driftless.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeapCensusTest {

    /** Kept reachable while the census runs, so it must be counted. */
    static final class Retained {
        final long[] payload = new long[16];
    }

    @Test
    void countsWhatIsReachableInThisJvm() {
        List<Retained> retained = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            retained.add(new Retained());
        }
        HeapCensus census = HeapCensus.parse(1.5, HeapCensus.histogram());

        assertThat(census.elapsedS()).isEqualTo(1.5);
        assertThat(census.classes()).containsKey(Retained.class.getName());
        assertThat(census.classes().get(Retained.class.getName()).instances()).isEqualTo(10_000);
        assertThat(census.liveBytes()).isGreaterThan(10_000L * 16 * 8);
        assertThat(retained).hasSize(10_000);
    }

    @Test
    void ranksClassesByGrowthInBytesAndCountsVanishedClassesAsShrinking() {
        HeapCensus before = HeapCensus.parse(0, String.join("\n",
                "   1:           100          10000  [B (java.base@17.0.15)",
                "   2:            10            640  io.example.Gone",
                "Total           110          10640"));
        HeapCensus after = HeapCensus.parse(60, String.join("\n",
                "   1:           150          15000  [B (java.base@17.0.15)",
                "   2:             5           4000  io.example.New",
                "Total           155          19000"));

        assertThat(after.growthSince(before, 10)).containsExactly(
                new HeapCensus.ClassGrowth("[B (java.base@17.0.15)", 50, 5000),
                new HeapCensus.ClassGrowth("io.example.New", 5, 4000),
                new HeapCensus.ClassGrowth("io.example.Gone", -10, -640));
        assertThat(after.growthSince(before, 1)).hasSize(1);
        assertThat(after.liveBytes()).isEqualTo(19000);
    }

    @Test
    void refusesTextThatIsNoHistogram() {
        assertThatThrownBy(() -> HeapCensus.parse(0, "Native memory tracking is not enabled"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no Total line");
    }
}
