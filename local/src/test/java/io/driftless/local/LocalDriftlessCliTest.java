package io.driftless.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
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
    void refusesAJpegRateOutsideItsRangeBeforeStartingAnything() {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(new CommandLine(new LocalDriftless()).execute("--jpeg-users", "2", "--jpeg-fps", "0"))
                    .isEqualTo(2);
        } finally {
            System.setErr(original);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--jpeg-fps must be in 1..120, got 0");
    }
}
