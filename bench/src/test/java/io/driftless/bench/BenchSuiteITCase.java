package io.driftless.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftless.bench.floor.ComputeFloor;
import io.driftless.bench.report.Point;
import io.driftless.bench.report.Report;
import io.driftless.bench.report.ReportFiles;
import io.driftless.bench.report.ScenarioResult;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole suite on a tiny plan (a few users, two-second runs) against the real embedded
 * system: the report is produced and holds what it promises. Timing is asserted only as an
 * order between a floor and the pipeline it bounds, never against the clock.
 */
@Tag("performance") // runs the benchmark itself for minutes: part of the performance tier it checks
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BenchSuiteITCase {

    private static final Duration TWO_S = Duration.ofSeconds(2);
    private static final int USERS = 4;

    @TempDir
    static Path out;

    private Report report;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @BeforeAll
    void runTheSuiteOnATinyPlan() throws Exception {
        // the remote scenario is left out to keep the test short: it starts a fourth system
        BenchPlan tiny = new BenchPlan("tiny", 30, List.of(USERS), USERS, Duration.ofSeconds(4), TWO_S, TWO_S, 1, 2,
                4, 2, Duration.ofMillis(500), 8,
                List.of("latency-profile", "capacity", "overload", "session-skew", "jpeg-streams"));
        // the progress goes to the test's output as well, to read when a step is slow
        OutputStream both = new OutputStream() {
            @Override
            public void write(int b) {
                console.write(b);
                System.out.write(b);
            }
        };
        report = new BenchSuite(tiny, out, new PrintStream(both, true, StandardCharsets.UTF_8)).run();
    }

    @Test
    void writesTheMarkdownReportWithEveryScenario() throws Exception {
        String md = Files.readString(out.resolve(ReportFiles.MARKDOWN_FILE));

        assertThat(md).contains("# driftless benchmark (tiny)", "## Headline", "## Method",
                "## Compute floor: the bare pose model in a loop", "## Latency profile", "## Capacity at the deadline",
                "## Overload", "## Session skew", "## JPEG streams at 640×480", "Compute floor, one thread",
                "cores", "JVM");
    }

    @Test
    void writesTheRawNumbersAsJsonUnderTheDocumentedKeys() throws Exception {
        JsonNode json = new ObjectMapper().readTree(out.resolve(ReportFiles.JSON_FILE).toFile());

        assertThat(json.fieldNames()).toIterable().containsExactly("mode", "startedUtc", "wallS", "machine", "method",
                "computeFloor", "headline", "capacity", "scenarios", "plots");
        assertThat(json.at("/machine/cores").asInt()).isPositive();
        assertThat(json.at("/computeFloor/0/batchSize").asInt()).isEqualTo(1);
        assertThat(json.at("/computeFloor/1/batchSize").asInt()).isEqualTo(8);
        JsonNode profile = json.at("/scenarios/0");
        assertThat(profile.get("id").asText()).isEqualTo("latency-profile");
        assertThat(profile.get("points")).extracting(point -> point.get("system").asText())
                .containsExactly("transport floor", "kafka floor", "pipeline");
        JsonNode run = profile.at("/points/2/runs/0");
        for (String key : List.of("system", "users", "offeredFps", "sent", "responses", "dropped", "unaccounted",
                "lateResponses", "onTimeRatio", "goodputFps", "p50Ms", "p99Ms", "p999Ms", "maxMs",
                "generatorCpuShare")) {
            assertThat(run.has(key)).as("run has %s", key).isTrue();
        }
        assertThat(profile.at("/points/2/p99Ms").fieldNames()).toIterable().containsExactly("median", "min", "max", "n");
        assertThat(profile.at("/points/2/runs/0/sent").asLong()).isEqualTo(USERS * 30L * 2);
    }

    @Test
    void measuresEverySystemWithEveryFrameAccountedFor() {
        List<Point> points = BenchSuite.points(report);

        assertThat(points).extracting(Point::system)
                .contains("kafka floor", "transport floor", "pipeline");
        assertThat(points).allSatisfy(p -> {
            assertThat(p.unaccounted()).as("unaccounted frames of %s %s", p.system(), p.label()).isZero();
            assertThat(p.runs()).allSatisfy(r -> assertThat(r.sent()).isPositive());
        });
        // the render gate's promise; the Kafka floor has no render gate and may answer late
        assertThat(points).filteredOn(p -> !p.system().equals("kafka floor"))
                .allSatisfy(p -> assertThat(p.lateResponses()).as("late responses of %s %s", p.system(), p.label())
                        .isZero());
        assertThat(BenchSuite.clean(report)).isTrue();
    }

    @Test
    void putsTheComputeFloorBelowThePipelineAndEveryFloorBesideIt() {
        Point pipeline = profile("pipeline");
        ComputeFloor.Result bareModel = report.computeFloor().get(0);
        ComputeFloor.Result batched = report.computeFloor().get(1);

        // The transport floors are not ordered against the pipeline here: two-second runs of four
        // users on a busy machine put their medians within each other's noise (the quick run's
        // report shows them); one model call is far below any round trip through Kafka.
        assertThat(bareModel.p50Ms()).isLessThan(pipeline.p50Ms().median());
        assertThat(batched.framesPerS()).isGreaterThan(pipeline.offeredFps());
        assertThat(profile("kafka floor").runs()).allSatisfy(r -> assertThat(r.responses()).isPositive());
        assertThat(profile("transport floor").runs()).allSatisfy(r -> assertThat(r.sent()).isPositive());
        assertThat(report.headline()).extracting(h -> h.figure())
                .contains("RTT p99 at 4 users × 30 fps", "capacity at the deadline");
        assertThat(report.headline()).filteredOn(h -> h.figure().startsWith("RTT p99"))
                .allSatisfy(h -> assertThat(h.ratio()).endsWith("×"));
    }

    @Test
    void searchesTheCapacityAndOverloadsTheJobPastIt() {
        ScenarioResult capacity = scenario("capacity");
        ScenarioResult overload = scenario("overload");

        // the Kafka floor searched the same way, first, then the pipeline
        assertThat(capacity.rows()).extracting(row -> row.get(0)).containsSubsequence("Kafka floor", "pipeline");
        assertThat(capacity.points()).extracting(Point::label)
                .containsSubsequence("capacity search, Kafka floor", "capacity search");
        assertThat(report.capacity().users()).isEqualTo(capacity.rows().stream()
                .filter(row -> row.get(0).equals("pipeline") && row.get(6).equals("yes"))
                .mapToInt(row -> Integer.parseInt(row.get(1))).max().orElse(0));
        assertThat(capacity.headline()).extracting(h -> h.figure())
                .containsExactly("capacity at the deadline", "capacity against the Kafka floor's");
        assertThat(capacity.headline().get(1).floor()).startsWith("Kafka floor ");
        assertThat(report.capacity().fps()).isEqualTo(30);
        if (capacity.points().stream().anyMatch(p -> p.p99Ms().median() < 33 && p.onTimeRatio().median() >= 0.999)) {
            assertThat(overload.points()).extracting(Point::label).containsExactly("1.5× capacity", "3.0× capacity");
        } else {
            // a machine too busy to serve even the smallest step on time has no capacity to overload
            assertThat(overload.ran()).isFalse();
            assertThat(overload.note()).startsWith("not run: needs a capacity above zero");
        }
    }

    @Test
    void searchesTheJpegStreamsAgainstTheJpegPathsComputeFloor() {
        ScenarioResult jpeg = scenario("jpeg-streams");

        assertThat(jpeg.ran()).isTrue();
        assertThat(jpeg.rows()).hasSizeBetween(1, 2);
        assertThat(jpeg.points()).extracting(Point::system).containsOnly("pipeline, JPEG");
        // a stream answered at all: annotated frames came back, and were counted as the answers
        assertThat(jpeg.points().get(0).runs().get(0).responses()).isPositive();
        assertThat(jpeg.headline()).singleElement().satisfies(h -> {
            assertThat(h.figure()).startsWith("JPEG streams per machine");
            assertThat(h.floor()).startsWith("compute floor ").contains("ms per frame");
        });
    }

    @Test
    void writesValidPngPlots() throws Exception {
        assertThat(report.plots()).contains("latency-vs-load.png", "goodput-vs-load.png",
                "latency-latency-profile.png");
        for (String plot : report.plots()) {
            byte[] bytes = Files.readAllBytes(out.resolve(plot));
            assertThat(bytes).startsWith(0x89, 'P', 'N', 'G');
            BufferedImage image = ImageIO.read(out.resolve(plot).toFile());
            assertThat(image.getWidth()).as(plot).isEqualTo(1200);
        }
    }

    @Test
    void printsProgressWithElapsedAndRemainingTime() {
        String progress = console.toString(StandardCharsets.UTF_8);

        assertThat(progress).contains("== Latency profile", "elapsed, ~", "left]", "warming up the pipeline",
                "capacity search: pipeline, 2 users x 30 fps");
    }

    private Point profile(String system) {
        return scenario("latency-profile").points().stream().filter(p -> p.system().equals(system)).findFirst()
                .orElseThrow();
    }

    private ScenarioResult scenario(String id) {
        return report.scenarios().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }
}
