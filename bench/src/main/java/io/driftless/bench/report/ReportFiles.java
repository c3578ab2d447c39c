package io.driftless.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.driftless.bench.floor.ComputeFloor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes a {@link Report} as report.json (every number) and report.md (the tables and plots). */
public final class ReportFiles {

    public static final String JSON_FILE = "report.json";
    public static final String MARKDOWN_FILE = "report.md";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportFiles() {}

    public static void write(Path directory, Report report) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(JSON_FILE), JSON.writeValueAsString(report) + "\n", StandardCharsets.UTF_8);
        Files.writeString(directory.resolve(MARKDOWN_FILE), markdown(report), StandardCharsets.UTF_8);
    }

    /** The report as Markdown. */
    public static String markdown(Report report) {
        StringBuilder md = new StringBuilder();
        md.append("# driftless benchmark (").append(report.mode()).append(")\n\n");
        Machine m = report.machine();
        md.append(String.format(Locale.ROOT, "Started %s, took %.0f s. Machine: %d cores, %.1f GiB memory, %s;"
                        + " JVM %s (heap up to %.1f GiB, GC %s); load average %.2f at the start, %.2f at the end.%n%n",
                report.startedUtc(), report.wallS(), m.cores(), m.memoryBytes() / (double) (1L << 30), m.os(), m.jvm(),
                m.maxHeapBytes() / (double) (1L << 30), String.join(" + ", m.garbageCollectors()),
                m.loadAverageAtStart(), m.loadAverageAtEnd()));
        md.append("## Headline\n\n");
        table(md, List.of("figure", "pipeline", "floor", "ratio"), report.headline().stream()
                .map(h -> List.of(h.figure(), h.value(), h.floor(), h.ratio())).toList());
        md.append("\n## Method\n\n");
        report.method().forEach(line -> md.append("- ").append(line).append('\n'));
        md.append("\n## Compute floor: the bare pose model in a loop\n\n");
        table(md, List.of("batch", "calls", "frames/s", "call p50 ms", "call p99 ms", "call max ms"),
                report.computeFloor().stream().map(ReportFiles::computeRow).toList());
        for (ScenarioResult s : report.scenarios()) {
            md.append("\n## ").append(s.title()).append("\n\n");
            if (!s.note().isEmpty()) {
                md.append(s.note()).append("\n\n");
            }
            if (s.ran()) {
                table(md, s.columns(), s.rows());
            }
        }
        if (!report.plots().isEmpty()) {
            md.append("\n## Plots\n\n");
            report.plots().forEach(p -> md.append("![").append(p).append("](").append(p).append(")\n\n"));
        }
        return md.toString();
    }

    private static List<String> computeRow(ComputeFloor.Result r) {
        return List.of(Integer.toString(r.batchSize()), String.format(Locale.ROOT, "%,d", r.calls()),
                String.format(Locale.ROOT, "%,.0f", r.framesPerS()), String.format(Locale.ROOT, "%.3f", r.p50Ms()),
                String.format(Locale.ROOT, "%.3f", r.p99Ms()), String.format(Locale.ROOT, "%.3f", r.maxMs()));
    }

    private static void table(StringBuilder md, List<String> columns, List<List<String>> rows) {
        md.append("| ").append(String.join(" | ", columns)).append(" |\n|");
        columns.forEach(c -> md.append(" --- |"));
        md.append('\n');
        rows.forEach(r -> md.append("| ").append(String.join(" | ", r)).append(" |\n"));
    }
}
