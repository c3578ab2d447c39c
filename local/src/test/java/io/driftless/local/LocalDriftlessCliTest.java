package io.driftless.local;

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

class LocalDriftlessCliTest {

    @Test
    void helpOffersJpegUsers() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new LocalDriftless()).setOut(new PrintWriter(out, true));

        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString()).contains("--jpeg-users", "--jpeg-fps");
    }

    @Test
    void helpOffersTheLoadFromTheMeasuredCapacity() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new LocalDriftless()).setOut(new PrintWriter(out, true));

        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString()).contains("--load-from-capacity=REPORT_JSON", "--capacity-share=");
    }

    /** Runs the command, which must refuse its arguments before starting anything; returns what it printed. */
    private static String refused(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(new CommandLine(new LocalDriftless()).execute(args)).isEqualTo(2);
        } finally {
            System.setErr(original);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void refusesAJpegRateOutsideItsRangeBeforeStartingAnything() {
        assertThat(refused("--jpeg-users", "2", "--jpeg-fps", "0")).contains("--jpeg-fps must be in 1..120, got 0");
    }

    @Test
    void refusesUsersAndALoadFromTheCapacityTogether(@TempDir Path dir) {
        assertThat(refused("--users", "20", "--load-from-capacity", dir.resolve("report.json").toString()))
                .contains("--users and --load-from-capacity both set the number of users: give one of them");
    }

    @Test
    void refusesACapacityShareWithoutAReport() {
        assertThat(refused("--capacity-share", "0.5"))
                .contains("--capacity-share needs --load-from-capacity REPORT_JSON");
    }

    @Test
    void refusesAReportThatIsNotThereBeforeStartingAnything(@TempDir Path dir) {
        assertThat(refused("--load-from-capacity", dir.resolve("report.json").toString()))
                .contains("driftless-local: --load-from-capacity: there is no file ",
                        "run bin/driftless-bench --scenarios capacity on this machine");
    }

    @Test
    void refusesANegativeWarmUpBeforeStartingAnything() {
        assertThat(refused("--warm-up-run", "-5s")).contains("--warm-up-run");
    }

    @Test
    void helpOffersTheWarmUpRun() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new LocalDriftless()).setOut(new PrintWriter(out, true));

        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString()).contains("--warm-up-run=", "left out of the summary", "(default: 60s)");
    }

    @Test
    void refusesADurationItCannotReadAndSaysHowToWriteOne() {
        assertThat(refused("--warm-up", "soon"))
                .contains("'soon' is not a duration: write it like 40s, 2m, 500ms, 1h or ISO-8601 PT40S");
    }

    @Test
    void refusesABrokerRetentionUnderAMinuteBeforeStartingAnything() {
        assertThat(refused("--kafka-retention", "30s")).contains("--kafka-retention must be at least 1m, got 30s");
    }
}
