package io.driftless.bench.report;

import io.driftless.bench.scenario.HeadSpeedDrift;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.nio.file.Path;
import io.driftless.bench.load.RunResult;
import io.driftless.source.RunSummary.Quantile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's PNG plots: per scenario, the round-trip distribution of each point as a
 * complementary CDF on log axes (the share of answered frames slower than x, so the tail reads
 * decade by decade down to the slowest frame); over all scenarios, latency and goodput against
 * offered load, one line per system.
 */
public final class ReportPlots {

    private static final int WIDTH = 1200;
    private static final int HEIGHT = 650;
    private static final double DEADLINE_MS = 33;
    /** Round trips are at least this long on the plot's log axis: HdrHistogram's resolution is 1 us. */
    private static final double SHORTEST_MS = 0.01;

    private ReportPlots() {}

    /** Writes the plots into {@code directory}; returns their file names. */
    public static List<String> write(Path directory, List<ScenarioResult> scenarios) throws IOException {
        List<String> files = new ArrayList<>();
        for (ScenarioResult scenario : scenarios) {
            if (!scenario.points().isEmpty()) {
                String name = "latency-" + scenario.id() + ".png";
                save(directory, name, distribution(scenario));
                files.add(name);
            }
        }
        for (ScenarioResult scenario : scenarios) {
            if (!scenario.series().isEmpty()) {
                // the drift scenario's lines run over head speed, the others' over time
                String name = scenario.id().equals(HeadSpeedDrift.ID) ? "drift-vs-head-speed.png"
                        : "over-time-" + scenario.id() + ".png";
                save(directory, name, overTime(scenario));
                files.add(name);
            }
        }
        List<Point> all = scenarios.stream().flatMap(s -> s.points().stream()).toList();
        if (!all.isEmpty()) {
            save(directory, "latency-vs-load.png", latencyVsLoad(all));
            files.add("latency-vs-load.png");
            save(directory, "goodput-vs-load.png", goodputVsLoad(all));
            files.add("goodput-vs-load.png");
        }
        return files;
    }

    private static JFreeChart distribution(ScenarioResult scenario) {
        XYSeriesCollection data = new XYSeriesCollection();
        // a capacity search probes a failed size again: the same system, label and load twice
        Map<String, Integer> probes = new HashMap<>();
        for (Point p : scenario.points()) {
            List<double[]> tail = tail(typical(p.runs()));
            if (tail.isEmpty()) {
                continue;
            }
            String key = String.format(Locale.ROOT, "%s, %s, %,.0f/s", p.system(), p.label(), p.offeredFps());
            int probe = probes.merge(key, 1, Integer::sum);
            XYSeries s = new XYSeries(probe == 1 ? key : key + ", probe " + probe, false, true);
            tail.forEach(xy -> s.add(xy[0], xy[1]));
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(scenario.title() + ": round-trip distribution",
                "round trip, ms", "share of answered frames slower", data, PlotOrientation.VERTICAL, true, false,
                false);
        XYPlot plot = style(chart);
        // decades around the data, the deadline always in view, down to the rarest frame drawn
        double fastest = DEADLINE_MS;
        double slowest = DEADLINE_MS;
        double rarest = 1;
        for (int i = 0; i < data.getSeriesCount(); i++) {
            XYSeries s = data.getSeries(i);
            fastest = Math.min(fastest, s.getMinX());
            slowest = Math.max(slowest, s.getMaxX());
            rarest = Math.min(rarest, s.getMinY());
        }
        plot.setDomainAxis(logAxis(plot.getDomainAxis().getLabel(), "0.##", decadeBelow(fastest),
                decadeAbove(slowest)));
        plot.setRangeAxis(logAxis(plot.getRangeAxis().getLabel(), "0.#######", decadeBelow(Math.min(0.1, rarest)),
                1));
        ((XYLineAndShapeRenderer) plot.getRenderer()).setDefaultShapesVisible(false);
        ValueMarker marker = new ValueMarker(DEADLINE_MS, Color.BLACK, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        marker.setLabel("33 ms deadline");
        plot.addDomainMarker(marker);
        return chart;
    }

    /**
     * A run's complementary CDF: (round trip in ms, share of answered frames slower than that).
     * The slowest frame, which no other is slower than, is drawn at one frame's share, so that the
     * line ends at the maximum on a log axis.
     */
    static List<double[]> tail(RunResult run) {
        List<double[]> points = new ArrayList<>();
        if (run == null || run.responses() == 0) {
            return points;
        }
        double oneFrame = 1.0 / run.responses();
        for (Quantile q : run.rttDistribution()) {
            double slower = Math.max(oneFrame, 1 - q.fraction());
            points.add(new double[] {Math.max(SHORTEST_MS, q.ms()), slower});
        }
        return points;
    }

    /** The run with the median p99 of a point's repeats: its distribution stands for the point. */
    static RunResult typical(List<RunResult> runs) {
        List<RunResult> answered = runs.stream().filter(r -> !r.rttDistribution().isEmpty())
                .sorted(Comparator.comparingDouble(RunResult::p99Ms)).toList();
        return answered.isEmpty() ? null : answered.get(answered.size() / 2);
    }

    /** A base-10 log axis from {@code lower} to {@code upper} with a labelled tick per decade. */
    private static LogAxis logAxis(String label, String format, double lower, double upper) {
        LogAxis axis = new LogAxis(label);
        axis.setBase(10);
        axis.setSmallestValue(lower);
        axis.setTickUnit(new NumberTickUnit(1));
        axis.setNumberFormatOverride(new DecimalFormat(format, DecimalFormatSymbols.getInstance(Locale.ROOT)));
        axis.setRange(lower, upper);
        return axis;
    }

    private static double decadeBelow(double v) {
        return Math.pow(10, Math.floor(Math.log10(v)));
    }

    private static double decadeAbove(double v) {
        return Math.pow(10, Math.ceil(Math.log10(v)));
    }

    /** A scenario's series on one chart, each a line of its own; the axes are the first series'. */
    private static JFreeChart overTime(ScenarioResult scenario) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (ScenarioResult.Series series : scenario.series()) {
            XYSeries s = new XYSeries(series.name(), false, true);
            for (int i = 0; i < series.x().length; i++) {
                if (!Double.isNaN(series.y()[i])) {
                    s.add(series.x()[i], series.y()[i]);
                }
            }
            data.addSeries(s);
        }
        ScenarioResult.Series first = scenario.series().get(0);
        JFreeChart chart = ChartFactory.createXYLineChart(scenario.title(), first.xAxis(), first.yAxis(), data,
                PlotOrientation.VERTICAL, true, false, false);
        ((XYLineAndShapeRenderer) style(chart).getRenderer()).setDefaultShapesVisible(false);
        return chart;
    }

    private static JFreeChart latencyVsLoad(List<Point> points) {
        XYSeriesCollection data = new XYSeriesCollection();
        bySystem(points, "p99", Point::p99Ms).forEach(data::addSeries);
        bySystem(points, "p50", Point::p50Ms).forEach(data::addSeries);
        JFreeChart chart = ChartFactory.createXYLineChart("Round-trip latency against offered load",
                "offered frames/s", "round trip, ms (median of runs)", data, PlotOrientation.VERTICAL, true, false,
                false);
        deadline(style(chart));
        return chart;
    }

    private static JFreeChart goodputVsLoad(List<Point> points) {
        XYSeriesCollection data = new XYSeriesCollection();
        bySystem(points, "goodput", Point::goodputFps).forEach(data::addSeries);
        double most = points.stream().mapToDouble(Point::offeredFps).max().orElse(1);
        XYSeries ideal = new XYSeries("every frame on time", false, true);
        ideal.add(0, 0);
        ideal.add(most, most);
        data.addSeries(ideal);
        JFreeChart chart = ChartFactory.createXYLineChart("Goodput (on-time responses/s) against offered load",
                "offered frames/s", "on-time responses/s", data, PlotOrientation.VERTICAL, true, false, false);
        style(chart);
        return chart;
    }

    /** One series per system, points in order of offered load. */
    private static List<XYSeries> bySystem(List<Point> points, String figure, Function<Point, Stat> stat) {
        Map<String, XYSeries> series = new LinkedHashMap<>();
        for (Point p : points) {
            double y = stat.apply(p).median();
            if (!Double.isNaN(y)) {
                series.computeIfAbsent(p.system(), name -> new XYSeries(name + " " + figure, true, true))
                        .add(p.offeredFps(), y);
            }
        }
        return new ArrayList<>(series.values());
    }

    private static XYPlot style(JFreeChart chart) {
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < plot.getDataset().getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        return plot;
    }

    private static void deadline(XYPlot plot) {
        ValueMarker marker = new ValueMarker(DEADLINE_MS, Color.RED, new BasicStroke(1.5f));
        marker.setLabel("33 ms deadline");
        plot.addRangeMarker(marker);
    }

    private static void save(Path directory, String name, JFreeChart chart) throws IOException {
        ChartUtils.saveChartAsPNG(directory.resolve(name).toFile(), chart, WIDTH, HEIGHT);
    }
}
