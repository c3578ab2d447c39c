package io.driftless.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Whether memory stayed flat over a long run: each series compared between the start and the
 * end of the steady part (after warm-up), as the median of the first and last tenth of its
 * samples; the heap by its floor (the lowest sample), since the heap's saw-tooth says nothing.
 */
final class MemoryReport {

    /** Growth beyond this fraction of the start counts as not flat. */
    static final double TOLERANCE = 0.05;

    /** One series at the start and end of the steady part. */
    record Trend(String name, double start, double end) {
        double growth() {
            return start == 0 ? 0 : (end - start) / start;
        }

        boolean flat() {
            return growth() <= TOLERANCE;
        }
    }

    private final List<MemorySample> samples;
    private final Duration warmUp;
    private final List<Trend> trends;

    MemoryReport(List<MemorySample> samples, Duration warmUp) {
        this.samples = List.copyOf(samples);
        this.warmUp = warmUp;
        List<MemorySample> steady = samples.stream().filter(s -> s.elapsedS() >= warmUp.toSeconds()).toList();
        if (steady.size() < 2) {
            throw new IllegalArgumentException("only " + steady.size() + " samples after the warm-up of "
                    + warmUp.toSeconds() + " s: run longer than the warm-up, or sample more often");
        }
        int tenth = Math.max(1, steady.size() / 10);
        List<MemorySample> first = steady.subList(0, tenth);
        List<MemorySample> last = steady.subList(steady.size() - tenth, steady.size());
        this.trends = List.of(
                new Trend("heap floor MiB", min(first, MemorySample::heapUsedMb), min(last, MemorySample::heapUsedMb)),
                new Trend("resident set MiB", median(first, MemorySample::rssMb), median(last, MemorySample::rssMb)),
                new Trend("direct buffers MiB", median(first, MemorySample::directMb),
                        median(last, MemorySample::directMb)),
                new Trend("threads", median(first, s -> s.threads()), median(last, s -> s.threads())));
    }

    List<Trend> trends() {
        return trends;
    }

    /** Flat when the heap floor and the resident set grew by no more than {@link #TOLERANCE}. */
    boolean flat() {
        return trends.get(0).flat() && trends.get(1).flat();
    }

    String toTable() {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "memory after %d s of warm-up, start -> end of the steady part:%n", warmUp.toSeconds()));
        for (Trend trend : trends) {
            out.append(String.format(Locale.ROOT, "  %-20s %9.1f -> %9.1f  (%+.1f%%)%n",
                    trend.name(), trend.start(), trend.end(), 100 * trend.growth()));
        }
        out.append(flat() ? "flat: heap floor and resident set within 5%\n"
                : "NOT flat: heap floor or resident set grew by more than 5%\n");
        return out.toString();
    }

    /** Writes memory.csv, memory.json and memory.png into {@code directory}. */
    void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        List<String> lines = new ArrayList<>();
        lines.add(MemorySample.CSV_HEADER);
        samples.forEach(s -> lines.add(s.csv()));
        Files.write(directory.resolve("memory.csv"), lines, StandardCharsets.UTF_8);

        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("warm_up_s", warmUp.toSeconds());
        root.put("duration_s", samples.get(samples.size() - 1).elapsedS());
        root.put("flat", flat());
        for (Trend trend : trends) {
            ObjectNode node = root.putObject(trend.name().replace(" MiB", "").replace(' ', '_'));
            node.put("start", trend.start());
            node.put("end", trend.end());
            node.put("growth", trend.growth());
        }
        Files.writeString(directory.resolve("memory.json"), json.writeValueAsString(root), StandardCharsets.UTF_8);

        ChartUtils.saveChartAsPNG(directory.resolve("memory.png").toFile(), chart(), 1200, 600);
    }

    private JFreeChart chart() {
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(series("heap used", MemorySample::heapUsedMb));
        data.addSeries(series("resident set (ONNX Runtime included)", MemorySample::rssMb));
        data.addSeries(series("direct buffers", MemorySample::directMb));
        JFreeChart chart = ChartFactory.createXYLineChart("driftless memory over the run", "seconds", "MiB",
                data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        Color[] colors = {new Color(0xd6, 0x27, 0x28), new Color(0x1f, 0x77, 0xb4), new Color(0x2c, 0xa0, 0x2c)};
        for (int i = 0; i < colors.length; i++) {
            plot.getRenderer().setSeriesPaint(i, colors[i]);
            plot.getRenderer().setSeriesStroke(i, new BasicStroke(2f));
        }
        ValueMarker steady = new ValueMarker(warmUp.toSeconds(), Color.GRAY, new BasicStroke(1.5f));
        steady.setLabel("end of warm-up");
        plot.addDomainMarker(steady);
        return chart;
    }

    private XYSeries series(String name, ToDoubleFunction<MemorySample> value) {
        XYSeries series = new XYSeries(name);
        samples.forEach(s -> series.add(s.elapsedS(), value.applyAsDouble(s)));
        return series;
    }

    private static double min(List<MemorySample> samples, ToDoubleFunction<MemorySample> value) {
        return samples.stream().mapToDouble(value).min().orElse(0);
    }

    private static double median(List<MemorySample> samples, ToDoubleFunction<MemorySample> value) {
        double[] sorted = samples.stream().mapToDouble(value).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
