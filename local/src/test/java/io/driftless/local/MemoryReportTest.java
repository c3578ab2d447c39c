package io.driftless.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryReportTest {

    /** One sample every 10 s for 20 minutes; the heap saws between its floor and floor + 400. */
    private static List<MemorySample> run(IntToDoubleFunction heapFloor, IntToDoubleFunction rss) {
        List<MemorySample> samples = new ArrayList<>();
        for (int i = 0; i <= 120; i++) {
            double floor = heapFloor.applyAsDouble(i);
            samples.add(new MemorySample(10.0 * i, floor + (i % 4) * 100, 90, 12, rss.applyAsDouble(i), 80));
        }
        return samples;
    }

    @Test
    void callsARunFlatWhenHeapFloorAndResidentSetHoldAfterWarmUp() {
        // warm-up grows everything; afterwards only noise
        MemoryReport report = new MemoryReport(run(i -> i < 30 ? 200 + 10 * i : 500 + i % 3,
                i -> i < 30 ? 900 + 20 * i : 1500 + i % 5), Duration.ofMinutes(5));

        assertThat(report.flat()).isTrue();
        assertThat(report.trends().get(0).start()).isBetween(500.0, 503.0);
        assertThat(report.toTable()).contains("flat: heap floor and resident set within 5%");
    }

    @Test
    void flagsAResidentSetThatKeepsGrowingAsNativeMemoryLeaks() {
        MemoryReport report = new MemoryReport(run(i -> 500, i -> 1500 + 2 * i), Duration.ofMinutes(5));

        assertThat(report.flat()).isFalse();
        assertThat(report.trends().get(1).growth()).isGreaterThan(0.05);
        assertThat(report.toTable()).contains("NOT flat");
    }

    @Test
    void flagsAHeapWhoseFloorRises() {
        MemoryReport report = new MemoryReport(run(i -> 500 + 2 * i, i -> 1500), Duration.ofMinutes(5));

        assertThat(report.flat()).isFalse();
        assertThat(report.trends().get(0).name()).isEqualTo("heap floor MiB");
    }

    @Test
    void refusesARunNoLongerThanItsWarmUp() {
        assertThatThrownBy(() -> new MemoryReport(run(i -> 500, i -> 1500), Duration.ofHours(1)))
                .hasMessageStartingWith("only 0 samples after the warm-up of 3600 s");
    }

    @Test
    void writesTheSamplesTheVerdictAndAPlot(@TempDir Path dir) throws Exception {
        MemoryReport report = new MemoryReport(run(i -> 500, i -> 1500), Duration.ofMinutes(5));
        report.write(dir);

        assertThat(Files.readAllLines(dir.resolve("memory.csv"))).hasSize(122).first().isEqualTo(MemorySample.CSV_HEADER);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("memory.json").toFile());
        assertThat(json.get("flat").asBoolean()).isTrue();
        assertThat(json.get("resident_set").get("start").asDouble()).isEqualTo(1500);
        byte[] png = Files.readAllBytes(dir.resolve("memory.png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }
}
