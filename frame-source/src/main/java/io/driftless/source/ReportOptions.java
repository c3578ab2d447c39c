package io.driftless.source;

import io.driftless.cli.DurationConverter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How every sending subcommand reports: the live status line, the drain and the summary. */
final class ReportOptions {

    @Option(names = "--drain-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = ReportSettings.DEFAULT_DRAIN_TIMEOUT_MS / 1000 + "s",
            description = "How long to wait for outstanding answers after the last send"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--status-interval", paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = ReportSettings.DEFAULT_STATUS_INTERVAL_MS / 1000 + "s",
            description = "How often the live status line prints (default: ${DEFAULT-VALUE}).")
    Duration statusInterval;

    @Option(names = "--quiet", description = "No live status line; only the summary.")
    boolean quiet;

    @Option(names = "--summary-json", paramLabel = "FILE",
            description = "Also write the summary as JSON to this file.")
    Path summaryJson;

    /** The settings these options name, the status line going to {@code out} unless quiet. */
    ReportSettings settings(PrintStream out) {
        return new ReportSettings(drainTimeout, statusInterval, quiet ? null : out);
    }

    /** Prints the summary table, and writes the JSON file when asked to. */
    void print(RunSummary summary, PrintStream out) throws IOException {
        print(summary.toTable(), summary.toJson(), out);
    }

    /** Prints a summary's table, and writes its JSON file when asked to. */
    void print(String table, String json, PrintStream out) throws IOException {
        out.print(table);
        if (summaryJson != null) {
            Files.writeString(summaryJson, json + System.lineSeparator(),
                    StandardCharsets.UTF_8);
            out.println("summary written to " + summaryJson);
        }
        out.flush();
    }
}
