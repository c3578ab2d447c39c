package io.driftless.bench.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import javax.imageio.ImageIO;
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
 * samples. The heap by its live set where censuses were taken (a full collection each, so only
 * reachable objects count), else by its floor (the lowest sample), since the heap's saw-tooth
 * says nothing; with two censuses the classes that grew most are listed, which names a leak.
 */
final class MemoryReport {

    private static final double MB = 1024 * 1024;

    /** Growth beyond this fraction of the start counts as not flat. */
    static final double TOLERANCE = 0.05;
    private static final int GROWING_CLASSES = 25;

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
    private final List<HeapCensus> censuses;
    private final Duration warmUp;
    private final List<Trend> trends;
    private final List<HeapCensus.ClassGrowth> growingClasses;
    private final OfferedLoad load;

    MemoryReport(List<MemorySample> samples, Duration warmUp) {
        this(samples, List.of(), warmUp, null);
    }

    MemoryReport(List<MemorySample> samples, List<HeapCensus> censuses, Duration warmUp) {
        this(samples, censuses, warmUp, null);
    }

    /** @param load what the run offered, for memory.json; null when not known */
    MemoryReport(List<MemorySample> samples, List<HeapCensus> censuses, Duration warmUp, OfferedLoad load) {
        this.load = load;
        this.samples = List.copyOf(samples);
        this.censuses = List.copyOf(censuses);
        this.warmUp = warmUp;
        List<MemorySample> steady = samples.stream().filter(s -> s.elapsedS() >= warmUp.toSeconds()).toList();
        if (steady.size() < 2) {
            throw new IllegalArgumentException("only " + steady.size() + " samples after the warm-up of "
                    + warmUp.toSeconds() + " s: run longer than the warm-up, or sample more often");
        }
        int tenth = Math.max(1, steady.size() / 10);
        List<MemorySample> first = steady.subList(0, tenth);
        List<MemorySample> last = steady.subList(steady.size() - tenth, steady.size());
        List<HeapCensus> steadyCensuses = censuses.stream().filter(c -> c.elapsedS() >= warmUp.toSeconds()).toList();
        List<Trend> trends = new ArrayList<>();
        if (steadyCensuses.size() >= 2) {
            HeapCensus start = steadyCensuses.get(0);
            HeapCensus end = steadyCensuses.get(steadyCensuses.size() - 1);
            trends.add(new Trend("live heap MiB", start.liveBytes() / MB, end.liveBytes() / MB));
            this.growingClasses = end.growthSince(start, GROWING_CLASSES);
        } else {
            trends.add(new Trend("heap floor MiB", min(first, MemorySample::heapUsedMb),
                    min(last, MemorySample::heapUsedMb)));
            this.growingClasses = List.of();
        }
        trends.add(new Trend("resident set MiB", median(first, MemorySample::rssMb), median(last, MemorySample::rssMb)));
        if (steady.stream().noneMatch(s -> Double.isNaN(s.jvmCommittedMb()))) {
            trends.add(new Trend("JVM committed MiB", median(first, MemorySample::jvmCommittedMb),
                    median(last, MemorySample::jvmCommittedMb)));
            trends.add(new Trend("resident set beyond the JVM MiB", median(first, MemoryReport::beyondJvm),
                    median(last, MemoryReport::beyondJvm)));
        }
        trends.add(new Trend("direct buffers MiB", median(first, MemorySample::directMb),
                median(last, MemorySample::directMb)));
        trends.add(new Trend("threads", median(first, s -> s.threads()), median(last, s -> s.threads())));
        this.trends = List.copyOf(trends);
    }

    List<Trend> trends() {
        return trends;
    }

    /** The classes that grew most between the first and last census after warm-up. */
    List<HeapCensus.ClassGrowth> growingClasses() {
        return growingClasses;
    }

    /** Flat when the heap and the resident set grew by no more than {@link #TOLERANCE}. */
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
        String heap = trends.get(0).name().replace(" MiB", "");
        out.append(flat() ? "flat: " + heap + " and resident set within 5%\n"
                : "NOT flat: " + heap + " or resident set grew by more than 5%\n");
        if (!growingClasses.isEmpty()) {
            out.append("classes that grew most on the live heap (class-growth.txt has ").append(GROWING_CLASSES)
                    .append("):\n");
            growingClasses.stream().limit(5).forEach(g -> out.append(growthLine(g)));
        }
        return out.toString();
    }

    private static String growthLine(HeapCensus.ClassGrowth growth) {
        return String.format(Locale.ROOT, "  %+10.1f KiB %+10d  %s%n", growth.bytes() / 1024.0, growth.instances(),
                growth.className());
    }

    /**
     * Writes memory.csv, memory.json and memory.png into {@code directory}, and class-growth.txt
     * where censuses were taken.
     */
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
        if (load != null) {
            load.writeTo(root.putObject("load"));
        }
        for (Trend trend : trends) {
            ObjectNode node = root.putObject(trend.name().replace(" MiB", "").replace(' ', '_').toLowerCase(Locale.ROOT));
            node.put("start", trend.start());
            node.put("end", trend.end());
            node.put("growth", trend.growth());
        }
        ArrayNode census = root.putArray("live_heap_censuses");
        censuses.forEach(c -> census.addObject().put("elapsed_s", c.elapsedS()).put("live_mb", c.liveBytes() / MB));
        Files.writeString(directory.resolve("memory.json"), json.writeValueAsString(root), StandardCharsets.UTF_8);
        if (!growingClasses.isEmpty()) {
            List<String> growth = new ArrayList<>();
            growth.add("growth of the live heap between the first and last census after warm-up, by class:");
            growth.add(String.format(Locale.ROOT, "  %14s %10s  %s", "bytes", "instances", "class"));
            growingClasses.forEach(g -> growth.add(growthLine(g).stripTrailing()));
            Files.write(directory.resolve("class-growth.txt"), growth, StandardCharsets.UTF_8);
        }

        // after Ctrl-C the report is written while the JVM shuts down, when ImageIO's default disk
        // cache cannot register its clean-up hook and fails; a PNG this small needs no cache
        ImageIO.setUseCache(false);
        ChartUtils.saveChartAsPNG(directory.resolve("memory.png").toFile(), chart(), 1200, 600);
    }

    private JFreeChart chart() {
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(series("heap used", MemorySample::heapUsedMb));
        data.addSeries(series("resident set (ONNX Runtime included)", MemorySample::rssMb));
        data.addSeries(series("direct buffers", MemorySample::directMb));
        if (!censuses.isEmpty()) {
            XYSeries live = new XYSeries("live heap (census)");
            censuses.forEach(c -> live.add(c.elapsedS(), c.liveBytes() / MB));
            data.addSeries(live);
        }
        if (samples.stream().noneMatch(s -> Double.isNaN(s.jvmCommittedMb()))) {
            data.addSeries(series("JVM committed (NMT)", MemorySample::jvmCommittedMb));
        }
        JFreeChart chart = ChartFactory.createXYLineChart("driftless memory over the run", "seconds", "MiB",
                data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        Color[] colors = {new Color(0xd6, 0x27, 0x28), new Color(0x1f, 0x77, 0xb4), new Color(0x2c, 0xa0, 0x2c),
            new Color(0x94, 0x67, 0xbd), new Color(0xff, 0x7f, 0x0e)};
        for (int i = 0; i < data.getSeriesCount(); i++) {
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

    private static double beyondJvm(MemorySample sample) {
        return sample.rssMb() - sample.jvmCommittedMb();
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
