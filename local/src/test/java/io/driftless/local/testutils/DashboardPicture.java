package io.driftless.local.testutils;

import io.driftless.local.testutils.GrafanaDashboard.Panel;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.SimpleDateFormat;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.Range;
import org.jfree.data.time.FixedMillisecond;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;

/**
 * Draws a dashboard the way Grafana lays it out (its 24-column grid, rows as headings), each
 * panel a time-series chart of the data Prometheus returned for the panel's queries. A panel
 * without data says so, and why, instead of showing an empty frame.
 */
public final class DashboardPicture {

    /** One line of a panel: its legend and its samples. */
    public record Series(String legend, long[] epochMillis, double[] values) {}

    private static final int WIDTH = 1800;
    private static final int ROW_UNIT = 34;
    private static final Color BACKGROUND = new Color(0x11, 0x12, 0x17);
    private static final Color PANEL = new Color(0x18, 0x1b, 0x1f);
    private static final Color TEXT = new Color(0xd8, 0xd9, 0xda);
    private static final Color GRID = new Color(0x2c, 0x30, 0x35);
    private static final Color[] PALETTE = {
        new Color(0x73, 0xbf, 0x69), new Color(0xf2, 0xcc, 0x0c), new Color(0x57, 0x94, 0xf2),
        new Color(0xff, 0x78, 0x0a), new Color(0xf2, 0x49, 0x5c), new Color(0xb8, 0x77, 0xd9),
        new Color(0x8a, 0xb8, 0xff), new Color(0x96, 0xd9, 0x8d),
    };

    private DashboardPicture() {}

    /**
     * Renders {@code dashboard} to a PNG; {@code data} holds each panel's series,
     * {@code noDataReasons} says why a panel without series has none.
     */
    public static void render(GrafanaDashboard dashboard, Map<Panel, List<Series>> data,
            Map<Panel, String> noDataReasons, Path png) throws IOException {
        int bottom = dashboard.panels().stream().mapToInt(p -> p.grid().y() + p.grid().h()).max().orElse(1);
        int header = 50;
        int height = header + bottom * ROW_UNIT + 10;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(TEXT);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
        g.drawString(dashboard.title(), 14, 32);
        double column = (WIDTH - 10) / 24.0;
        for (Panel panel : dashboard.panels()) {
            int x = 5 + (int) (panel.grid().x() * column);
            int y = header + panel.grid().y() * ROW_UNIT;
            int w = (int) (panel.grid().w() * column) - 6;
            int h = panel.grid().h() * ROW_UNIT - 6;
            if (panel.isRow()) {
                g.setColor(TEXT);
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
                g.drawString(panel.title(), x + 6, y + 22);
                continue;
            }
            List<Series> series = data.getOrDefault(panel, List.of());
            if (series.isEmpty()) {
                drawEmpty(g, panel, noDataReasons.getOrDefault(panel, "no data"), x, y, w, h);
            } else {
                chart(panel, series).draw(g, new Rectangle2D.Double(x, y, w, h));
            }
        }
        g.dispose();
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(image, "png", png.toFile());
    }

    private static void drawEmpty(Graphics2D g, Panel panel, String reason, int x, int y, int w, int h) {
        g.setColor(PANEL);
        g.fillRect(x, y, w, h);
        g.setColor(TEXT);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(panel.title(), x + 8, y + 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 13));
        g.drawString(reason, x + 8, y + h / 2);
    }

    private static JFreeChart chart(Panel panel, List<Series> series) {
        TimeSeriesCollection dataset = new TimeSeriesCollection();
        double scale = "percentunit".equals(panel.unit()) ? 100 : 1;
        for (Series line : series) {
            TimeSeries timeSeries = new TimeSeries(line.legend());
            for (int i = 0; i < line.values().length; i++) {
                if (Double.isFinite(line.values()[i])) {
                    timeSeries.addOrUpdate(new FixedMillisecond(line.epochMillis()[i]), line.values()[i] * scale);
                }
            }
            dataset.addSeries(timeSeries);
        }
        JFreeChart chart = ChartFactory.createTimeSeriesChart(null, null, axisLabel(panel.unit()), dataset,
                true, false, false);
        chart.setTitle(new TextTitle(panel.title(), new Font(Font.SANS_SERIF, Font.BOLD, 14), TEXT,
                TextTitle.DEFAULT_POSITION, TextTitle.DEFAULT_HORIZONTAL_ALIGNMENT, TextTitle.DEFAULT_VERTICAL_ALIGNMENT,
                TextTitle.DEFAULT_PADDING));
        chart.setBackgroundPaint(PANEL);
        chart.getLegend().setBackgroundPaint(PANEL);
        chart.getLegend().setItemPaint(TEXT);
        chart.getLegend().setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(PANEL);
        plot.setOutlineVisible(false);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.getRangeAxis().setTickLabelPaint(TEXT);
        plot.getRangeAxis().setLabelPaint(TEXT);
        plot.getRangeAxis().setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        Range values = dataset.getRangeBounds(false);
        if (values == null || values.getLength() < 1e-9) {
            // a flat line (no lag, no backpressure) gets an axis from its value up, not ±1e-9
            double base = values == null ? 0 : values.getLowerBound();
            plot.getRangeAxis().setRange(Math.min(0, base), Math.max(1, base + 1));
        }
        DateAxis time = (DateAxis) plot.getDomainAxis();
        time.setTickLabelPaint(TEXT);
        SimpleDateFormat format = new SimpleDateFormat("HH:mm:ss");
        format.setTimeZone(TimeZone.getTimeZone("UTC"));
        time.setDateFormatOverride(format);
        XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) plot.getRenderer();
        for (int i = 0; i < series.size(); i++) {
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            renderer.setSeriesStroke(i, new BasicStroke(1.6f));
        }
        return chart;
    }

    private static String axisLabel(String unit) {
        return switch (unit) {
            case "ms" -> "ms";
            case "s" -> "s";
            case "ops" -> "per second";
            case "reqps" -> "requests/s";
            case "percentunit" -> "%";
            default -> null;
        };
    }
}
