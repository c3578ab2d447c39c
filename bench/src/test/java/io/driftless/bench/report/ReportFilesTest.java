package io.driftless.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftless.bench.floor.ComputeFloor;
import io.driftless.bench.load.RunResult;
import io.driftless.source.RunSummary.Drift;
import io.driftless.source.RunSummary.Quantile;
import io.driftless.source.RunSummary.Stages;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportFilesTest {

    @TempDir
    Path out;

    private static RunResult run(String system, int users, double p50, double p99, double onTime) {
        double offered = users * 30.0;
        return new RunResult(system, users, 30, offered, 10, (long) offered * 10, (long) (offered * 10 * onTime),
                Map.of("LATE_ON_ARRIVAL", 3L), 0, 0, 0, onTime, offered * onTime, p50, p99, p99 * 1.2, p99 * 1.5,
                0.2, 0.3, 120, 9, Double.isNaN(p50) ? List.of() : List.of(new Quantile(0.5, p50), new Quantile(0.99, p99),
                        new Quantile(0.999, p99 * 1.2), new Quantile(1, p99 * 1.5)), Drift.UNDEFINED, Stages.NONE);
    }

    private static Report report() {
        Point fast = Point.of("profile", List.of(run("transport floor", 50, 1.0, 4.0, 1.0)));
        Point slow = Point.of("profile", List.of(run("pipeline", 50, 2.0, 9.0, 0.999),
                run("pipeline", 50, 2.4, 11.0, 0.998), run("pipeline", 50, 2.2, 10.0, 1.0)));
        Point silent = Point.of("3.0× capacity", List.of(run("pipeline", 900, Double.NaN, Double.NaN, 0)));
        ScenarioResult profile = new ScenarioResult("latency-profile", "Latency profile", true, "a note",
                List.of("users", "p99 ms"), List.of(List.of("50", "10.00")), List.of(fast, slow, silent),
                List.of(new Headline("RTT p99 at 50 users × 30 fps", "10.00 ms", "transport floor 4.00 ms", "2.50×")));
        ScenarioResult jpeg = ScenarioResult.notRun("jpeg-streams", "JPEG streams", "not run: no image path");
        return new Report("test", "2026-11-21T20:00:00Z", 12.5, Machine.now().ended(), List.of("one clock"),
                List.of(new ComputeFloor.Result(1, 1000, 50_000, 0.02, 0.05, 0.3)),
                List.of(profile.headline().get(0)), MeasuredCapacity.of(100, 30, false), List.of(profile, jpeg),
                List.of());
    }

    @Test
    void pointsTakeTheMedianAndSpreadOfTheirRuns() {
        Point p = report().scenarios().get(0).points().get(1);

        assertThat(p.p99Ms()).isEqualTo(new Stat(10.0, 9.0, 11.0, 3));
        assertThat(p.p50Ms().median()).isEqualTo(2.2);
        assertThat(p.runs()).hasSize(3);
    }

    @Test
    void writesTheHeadlineScenarioTablesAndReasonsNotRun() throws Exception {
        ReportFiles.write(out, report());
        String md = Files.readString(out.resolve(ReportFiles.MARKDOWN_FILE));

        assertThat(md).contains("# driftless benchmark (test)",
                "| figure | pipeline | floor | ratio |",
                "| RTT p99 at 50 users × 30 fps | 10.00 ms | transport floor 4.00 ms | 2.50× |",
                "| 1 | 1,000 | 50,000 | 0.020 | 0.050 | 0.300 |",
                "## Latency profile\n\na note\n\n| users | p99 ms |\n| --- | --- |\n| 50 | 10.00 |",
                "## JPEG streams\n\nnot run: no image path", "- one clock");
    }

    @Test
    void writesEveryNumberAsJsonWithNothingMeasuredAsAString() throws Exception {
        ReportFiles.write(out, report());
        JsonNode json = new ObjectMapper().readTree(out.resolve(ReportFiles.JSON_FILE).toFile());

        assertThat(json.at("/scenarios/0/points/1/p99Ms/median").asDouble()).isEqualTo(10.0);
        assertThat(json.at("/scenarios/0/points/1/runs/0/dropped/LATE_ON_ARRIVAL").asLong()).isEqualTo(3);
        assertThat(json.at("/scenarios/0/points/2/p50Ms/median").asText()).isEqualTo("NaN");
        assertThat(json.at("/scenarios/1/ran").asBoolean()).isFalse();
        assertThat(json.at("/computeFloor/0/framesPerS").asDouble()).isEqualTo(50_000);
        assertThat(json.at("/capacity/users").asInt()).isEqualTo(100);
        assertThat(json.at("/capacity/fps").asInt()).isEqualTo(30);
        assertThat(json.at("/capacity/framesPerS").asDouble()).isEqualTo(3_000);
        assertThat(json.at("/capacity/bracketed").asBoolean()).isFalse();
    }

    @Test
    void drawsARunsTailAsTheShareOfFramesSlowerThanEachRoundTrip() {
        RunResult run = run("pipeline", 50, 2.0, 9.0, 1.0);

        List<double[]> tail = ReportPlots.tail(run);

        assertThat(tail).hasSize(4);
        assertThat(tail.get(0)).containsExactly(2.0, 0.5);
        assertThat(tail.get(1)[0]).isEqualTo(9.0);
        assertThat(tail.get(1)[1]).isCloseTo(0.01, within(1e-12));
        assertThat(tail.get(2)[1]).isCloseTo(0.001, within(1e-12));
        // the slowest frame: one frame's share of the responses, at the maximum
        assertThat(tail.get(3)).containsExactly(13.5, 1.0 / run.responses());
        assertThat(ReportPlots.tail(run("pipeline", 900, Double.NaN, Double.NaN, 0))).isEmpty();
    }

    @Test
    void drawsThePointWithTheRunOfTheMedianP99() {
        List<RunResult> runs = List.of(run("pipeline", 50, 2.0, 9.0, 1.0), run("pipeline", 50, 2.4, 11.0, 1.0),
                run("pipeline", 50, 2.2, 10.0, 1.0));

        assertThat(ReportPlots.typical(runs)).isSameAs(runs.get(2));
        assertThat(ReportPlots.typical(List.of(run("pipeline", 9, Double.NaN, Double.NaN, 0)))).isNull();
    }

    @Test
    void plotsEachScenarioAndTheLoadCurvesAsPngs() throws Exception {
        List<String> plots = ReportPlots.write(out, report().scenarios());

        assertThat(plots).containsExactly("latency-latency-profile.png", "latency-vs-load.png", "goodput-vs-load.png");
        for (String plot : plots) {
            BufferedImage image = ImageIO.read(out.resolve(plot).toFile());
            assertThat(image).as(plot).isNotNull();
            assertThat(image.getWidth()).isEqualTo(1200);
            assertThat(image.getHeight()).isEqualTo(650);
        }
    }

    @Test
    void plotsASizeTheCapacitySearchProbedTwice() throws Exception {
        Point first = Point.of("capacity search", List.of(run("pipeline", 100, 6.3, 19.6, 0.998)));
        Point again = Point.of("capacity search", List.of(run("pipeline", 100, 3.2, 11.9, 1.0)));
        ScenarioResult capacity = new ScenarioResult("capacity", "Capacity at the deadline", true, "a note",
                List.of(), List.of(), List.of(first, again), List.of());

        List<String> plots = ReportPlots.write(out, List.of(capacity));

        assertThat(plots).contains("latency-capacity.png");
        assertThat(ImageIO.read(out.resolve("latency-capacity.png").toFile())).isNotNull();
    }

    @Test
    void plotsDriftAgainstHeadSpeedUnderItsOwnName() throws Exception {
        double[] speed = {20, 60, 160, 248};
        ScenarioResult drift = new ScenarioResult("drift", "Drift against head speed", true, "a note", List.of(),
                List.of(), List.of(), List.of(), List.of(
                        new ScenarioResult.Series("carried forward, mean", "peak head speed, °/s", "drift, px",
                                speed, new double[] {0.3, 0.8, 2.1, 6.5}),
                        new ScenarioResult.Series("as answered, mean", "peak head speed, °/s", "drift, px",
                                speed, new double[] {1.1, 3.2, 8.8, 13.0})));

        List<String> plots = ReportPlots.write(out, List.of(drift));

        assertThat(plots).containsExactly("drift-vs-head-speed.png");
        assertThat(ImageIO.read(out.resolve(plots.get(0)).toFile())).isNotNull();
    }
}
