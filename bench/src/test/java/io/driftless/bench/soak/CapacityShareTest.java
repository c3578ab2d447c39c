package io.driftless.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftless.bench.report.Machine;
import io.driftless.bench.report.MeasuredCapacity;
import io.driftless.bench.report.Report;
import io.driftless.bench.report.ReportFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CapacityShareTest {

    @TempDir
    Path dir;

    /** A report.json as the benchmark writes it, with its capacity scenario's answer. */
    private Path report(MeasuredCapacity capacity) throws Exception {
        Path out = dir.resolve("bench");
        ReportFiles.write(out, new Report("quick", "2026-11-22T02:00:00Z", 300, Machine.now().ended(),
                List.of("one clock"), List.of(), List.of(), capacity, List.of(), List.of()));
        return out.resolve(ReportFiles.JSON_FILE);
    }

    @Test
    void offersTheShareOfTheMeasuredFramesPerSecondAtTheRunsFrameRate() throws Exception {
        CapacityShare share = CapacityShare.read(report(MeasuredCapacity.of(100, 30, true)), 0.7);

        assertThat(share.capacityFramesPerS()).isEqualTo(3_000);
        assertThat(share.lowerBound()).isFalse();
        assertThat(share.users(30)).isEqualTo(70);
        // the capacity is a rate of frames: users at half the frame rate may be twice as many
        assertThat(share.users(15)).isEqualTo(140);
        assertThat(CapacityShare.read(report(MeasuredCapacity.of(100, 30, true)), 0.5).users(30)).isEqualTo(50);
        assertThat(share.describe(30)).contains("70% of the capacity measured in", "report.json",
                "3,000 frames/s (100 users × 30 fps): 70 users at 30 fps, 2,100 frames/s")
                .doesNotContain("lower bound");
    }

    @Test
    void roundsToTheNearestUser() throws Exception {
        // 70% of 4 users' 120 frames/s is 84 frames/s: 2.8 users
        assertThat(CapacityShare.read(report(MeasuredCapacity.of(4, 30, true)), 0.7).users(30)).isEqualTo(3);
    }

    @Test
    void takesTheShareOfACapacityTheSearchDidNotBracketAndSaysItIsALowerBound() throws Exception {
        CapacityShare share = CapacityShare.read(report(MeasuredCapacity.of(4, 30, false)), 0.7);

        assertThat(share.lowerBound()).isTrue();
        assertThat(share.users(30)).isEqualTo(3);
        assertThat(share.describe(30)).contains("a lower bound (the capacity search did not bracket it), so at most"
                + " that share of the true capacity");
    }

    @Test
    void refusesAReportWithoutACapacityAndSaysHowToMeasureOne() throws Exception {
        Path withoutCapacity = report(null);

        assertThatThrownBy(() -> CapacityShare.read(withoutCapacity, 0.7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no measured capacity")
                .hasMessageEndingWith("run bin/driftless-bench --scenarios capacity on this machine"
                        + " (it writes bench/target/report-quick/report.json)");
    }

    @Test
    void refusesACapacityOfNoUsers() throws Exception {
        Path none = report(MeasuredCapacity.of(0, 30, false));

        assertThatThrownBy(() -> CapacityShare.read(none, 0.7))
                .hasMessageContaining("found no load it tried that met its targets (p99 under the deadline, 99.9% on time)")
                .hasMessageEndingWith("run the benchmark again on a quieter machine, or give --users");
    }

    @Test
    void refusesAShareThatIsLessThanOneUser() throws Exception {
        CapacityShare share = CapacityShare.read(report(MeasuredCapacity.of(1, 30, true)), 0.01);

        assertThatThrownBy(() -> share.users(30))
                .hasMessage("1% of the measured capacity of 30 frames/s is less than one user at 30 fps;"
                        + " raise --capacity-share or lower --fps");
    }

    @Test
    void refusesASharePastTheCapacityOrNotAboveZero() throws Exception {
        Path report = report(MeasuredCapacity.of(100, 30, true));

        for (double share : new double[] {0, -0.5, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> CapacityShare.read(report, share))
                    .hasMessageStartingWith("--capacity-share must be above 0 and at most 1, got ");
        }
    }

    @Test
    void refusesAMissingFileAndOneThatIsNotAReport() throws Exception {
        assertThatThrownBy(() -> CapacityShare.read(dir.resolve("nowhere.json"), 0.7))
                .hasMessageStartingWith("--load-from-capacity: there is no file ")
                .hasMessageContaining("run bin/driftless-bench --scenarios capacity");
        Path notJson = Files.writeString(dir.resolve("report.json"), "capacity: 100 users");
        assertThatThrownBy(() -> CapacityShare.read(notJson, 0.7))
                .hasMessageContaining("is not a benchmark report.json");
        Path wrongType = Files.writeString(dir.resolve("wrong.json"),
                "{\"capacity\": {\"users\": \"many\", \"fps\": 30, \"bracketed\": true}}");
        assertThatThrownBy(() -> CapacityShare.read(wrongType, 0.7))
                .hasMessageContaining("has no capacity.users as a whole number of at least 0 (found \"many\")");
    }

    @Test
    void memoryJsonRecordsTheDerivedLoad() throws Exception {
        CapacityShare share = CapacityShare.read(report(MeasuredCapacity.of(4, 30, false)), 0.7);
        List<MemorySample> samples = new ArrayList<>();
        for (int i = 0; i <= 12; i++) {
            samples.add(new MemorySample(10.0 * i, 500, 90, 12, 1500, Double.NaN, 80));
        }
        MemoryReport memory = new MemoryReport(samples, List.of(), Duration.ofSeconds(30),
                new OfferedLoad(share.users(30), 30, 0, 15, share));
        Path out = dir.resolve("soak");
        memory.write(out);

        JsonNode load = new ObjectMapper().readTree(out.resolve("memory.json").toFile()).get("load");
        assertThat(load.get("users").asInt()).isEqualTo(3);
        assertThat(load.get("frames_per_s").asLong()).isEqualTo(90);
        assertThat(load.at("/from_capacity/capacity_frames_per_s").asDouble()).isEqualTo(120);
        assertThat(load.at("/from_capacity/capacity_is_lower_bound").asBoolean()).isTrue();
        assertThat(load.at("/from_capacity/share").asDouble()).isEqualTo(0.7);
        assertThat(load.at("/from_capacity/report").asText()).endsWith("report.json");
    }
}
