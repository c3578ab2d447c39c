package io.driftless.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.bench.report.Point;
import io.driftless.bench.report.Report;
import io.driftless.bench.report.ScenarioResult;
import io.driftless.bench.scenario.MetricsOverhead;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics-overhead scenario on a tiny plan against the real embedded system: it alternates
 * the job without and with the Prometheus reporter, really scrapes the reporter, and accounts
 * for every frame. What the numbers say is the benchmark's business, not this test's.
 */
@Tag("performance") // runs the benchmark itself for minutes: part of the performance tier it checks
class MetricsOverheadITCase {

    private static final Duration TWO_S = Duration.ofSeconds(2);
    private static final int USERS = 4;

    @Test
    void alternatesTheJobWithoutAndWithAScrapedReporterAndAccountsForEveryFrame(@TempDir Path out)
            throws Exception {
        BenchPlan tiny = new BenchPlan("tiny", 30, List.of(USERS), USERS, Duration.ofSeconds(4), TWO_S, TWO_S, 1, 2,
                4, 2, Duration.ofMillis(500), 8, List.of("metrics-overhead"));
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        Report report = new BenchSuite(tiny, out, new PrintStream(console, true, StandardCharsets.UTF_8)).run();

        ScenarioResult overhead = report.scenarios().stream().filter(s -> s.id().equals("metrics-overhead"))
                .findFirst().orElseThrow();
        assertThat(overhead.ran()).as(overhead.note()).isTrue();
        assertThat(overhead.note()).containsPattern("answered [1-9][0-9,]* scrapes during the measured runs");
        assertThat(overhead.points()).extracting(Point::label)
                .containsExactly("reporter off", "reporter on, scraped every 1 s");
        assertThat(overhead.points()).extracting(Point::system)
                .containsExactly("pipeline", "pipeline, Prometheus reporter");
        assertThat(overhead.points()).allSatisfy(p -> {
            assertThat(p.runs()).hasSize(MetricsOverhead.MIN_ROUNDS);
            assertThat(p.unaccounted()).as("unaccounted frames of %s", p.label()).isZero();
            assertThat(p.lateResponses()).as("late responses of %s", p.label()).isZero();
        });
        assertThat(overhead.headline()).singleElement()
                .satisfies(h -> assertThat(h.figure()).startsWith("Prometheus reporter cost at 4 users"));
        // off and on alternate, each on a freshly started system
        String progress = console.toString(StandardCharsets.UTF_8);
        assertThat(progress).containsSubsequence("reporter off, round 1/3", "reporter on, round 1/3",
                "reporter off, round 2/3", "reporter on, round 2/3", "reporter off, round 3/3", "reporter on, round 3/3");
    }
}
