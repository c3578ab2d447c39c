package io.driftless.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
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
        assertThat(out.toString()).contains("Usage: driftless-bench", "--quick", "--full", "--out=DIR",
                "report.md, report.json and PNG plots");
    }

    @Test
    void quickAndFullTogetherAreAUsageError() {
        assertThat(run("--quick", "--full")).isEqualTo(2);
        assertThat(err.toString()).contains("--quick, --full are mutually exclusive");
    }

    @Test
    void anUnknownScenarioIsAUsageErrorThatListsTheScenarios() {
        assertThat(run("--scenarios", "capacity,speed")).isEqualTo(2);
        assertThat(err.toString()).contains("driftless-bench: unknown scenario 'speed': choose from [latency-profile,"
                + " capacity, overload, session-skew, remote-inference, jpeg-streams, metrics-overhead]",
                "Usage: driftless-bench");
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        assertThat(run("--fast")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--fast'");
    }
}
