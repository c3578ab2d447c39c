package io.driftless.bench.report;

import java.util.List;

/**
 * What one scenario found: its table for the Markdown report, its points for the JSON and the
 * plots, and its headline rows. A scenario that could not run says why in {@code note}.
 */
public record ScenarioResult(
        String id,
        String title,
        boolean ran,
        String note,
        List<String> columns,
        List<List<String>> rows,
        List<Point> points,
        List<Headline> headline) {

    public ScenarioResult {
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
        points = List.copyOf(points);
        headline = List.copyOf(headline);
    }

    public static ScenarioResult notRun(String id, String title, String why) {
        return new ScenarioResult(id, title, false, why, List.of(), List.of(), List.of(), List.of());
    }
}
