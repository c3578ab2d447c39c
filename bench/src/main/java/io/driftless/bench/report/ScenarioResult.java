package io.driftless.bench.report;

import java.util.List;

/**
 * What one scenario found: its table for the Markdown report, its points for the JSON and the
 * plots, its headline rows, and, for a scenario that follows something over time, its series. A
 * scenario that could not run says why in {@code note}.
 */
public record ScenarioResult(
        String id,
        String title,
        boolean ran,
        String note,
        List<String> columns,
        List<List<String>> rows,
        List<Point> points,
        List<Headline> headline,
        List<Series> series) {

    /**
     * One line over time: {@code y[i]} at {@code x[i]}.
     *
     * @param xAxis what x is, e.g. {@code "second of the run"}
     * @param yAxis what y is, e.g. {@code "frames on time, %"}
     */
    public record Series(String name, String xAxis, String yAxis, double[] x, double[] y) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + " has " + x.length + " x and " + y.length
                        + " y values");
            }
            x = x.clone();
            y = y.clone();
        }
    }

    public ScenarioResult {
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
        points = List.copyOf(points);
        headline = List.copyOf(headline);
        series = List.copyOf(series);
    }

    /** A result without series. */
    public ScenarioResult(String id, String title, boolean ran, String note, List<String> columns,
            List<List<String>> rows, List<Point> points, List<Headline> headline) {
        this(id, title, ran, note, columns, rows, points, headline, List.of());
    }

    public static ScenarioResult notRun(String id, String title, String why) {
        return new ScenarioResult(id, title, false, why, List.of(), List.of(), List.of(), List.of());
    }
}
