package io.driftless.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchCliTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = BenchCli.commandLine(
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void helpNamesTheModesAndTheOutputDirectory() {
        assertThat(run("--help")).isZero();
        // picocli wraps the description at 80 columns
        assertThat(out.toString().replaceAll("\\s+", " ")).contains("Usage: driftless-bench", "--quick", "--full",
                "--out=DIR", "report.md, report.json and PNG plots", "the job on a standalone cluster");
        assertThat(out.toString().replaceAll("\\s+", " ")).as("the default scenarios, every one in its order")
                .contains("(default: all of " + String.join(", ", BenchPlan.ALL_SCENARIOS) + ";");
    }

    @Test
    void quickAndFullTogetherAreAUsageError() {
        assertThat(run("--quick", "--full")).isEqualTo(2);
        assertThat(err.toString()).contains("--quick, --full are mutually exclusive");
    }

    @Test
    void anUnknownScenarioIsAUsageErrorThatListsTheScenarios() {
        assertThat(run("--scenarios", "capacity,speed")).isEqualTo(2);
        assertThat(err.toString()).contains("driftless-bench: unknown scenario 'speed': choose from [cold-start,"
                + " latency-profile, capacity, drift, overload, session-skew, remote-inference, jpeg-streams, gateway,"
                + " metrics-overhead,"
                + " cluster-shape]",
                "Usage: driftless-bench");
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        assertThat(run("--fast")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--fast'");
    }

    @Test
    void helpNamesTheSoakCommand() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("Commands:", "soak", "driftless-bench soak --help");
    }

    @Test
    void soakHelpOffersTheLocalRunAndTheLoadFromTheMeasuredCapacity() {
        assertThat(run("soak", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: driftless-bench soak", "--memory-report=DIR",
                "--load-from-capacity=REPORT_JSON", "--capacity-share=", "--heap-census-interval=", "--warm-up=",
                "--users=", "--warm-up-run=", "--kafka-retention=");
    }

    @Test
    void soakWithoutAMemoryReportIsAUsageError() {
        assertThat(run("soak", "--duration", "1m")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--memory-report=DIR'");
    }

    @Test
    void soakRefusesUsersAndALoadFromTheCapacityTogether(@TempDir Path dir) {
        assertThat(run("soak", "--memory-report", dir.toString(), "--users", "20",
                "--load-from-capacity", dir.resolve("report.json").toString())).isEqualTo(2);
        assertThat(err.toString())
                .contains("--users and --load-from-capacity both set the number of users: give one of them");
    }

    @Test
    void soakRefusesACapacityShareWithoutAReport(@TempDir Path dir) {
        assertThat(run("soak", "--memory-report", dir.toString(), "--capacity-share", "0.5")).isEqualTo(2);
        assertThat(err.toString()).contains("--capacity-share needs --load-from-capacity REPORT_JSON");
    }

    @Test
    void soakRefusesAReportThatIsNotThereBeforeStartingAnything(@TempDir Path dir) {
        assertThat(run("soak", "--memory-report", dir.toString(),
                "--load-from-capacity", dir.resolve("report.json").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("driftless-bench: --load-from-capacity: there is no file ",
                "run bin/driftless-bench --scenarios capacity on this machine", "Usage: driftless-bench soak");
    }

    @Test
    void soakRefusesALocalRunOptionOutOfRangeBeforeStartingAnything(@TempDir Path dir) {
        assertThat(run("soak", "--memory-report", dir.toString(), "--kafka-retention", "30s")).isEqualTo(2);
        assertThat(err.toString()).contains("driftless-bench: --kafka-retention must be at least 1m, got 30s");
    }
}
