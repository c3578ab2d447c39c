package io.driftless.local.testutils;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Grafana dashboard file as the dashboard test sees it: its panels with their grid places and
 * PromQL targets, and its template variables, with the means to turn a target into the query
 * Grafana would send.
 */
public final class GrafanaDashboard {

    /** Grafana's interval variables, as Grafana would set them for a short range and a 1 s scrape. */
    public static final Map<String, String> INTERVALS = Map.of(
            "__rate_interval", "10s",
            "__interval", "2s",
            "__range", "5m");

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}|\\$(\\w+)");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\)");

    /** Where a panel sits on Grafana's 24-column grid. */
    public record Grid(int x, int y, int w, int h) {}

    public record Target(String refId, String expr, String legend) {}

    public record Panel(String row, String title, String type, String unit, Grid grid, List<Target> targets) {
        public boolean isRow() {
            return "row".equals(type);
        }
    }

    /** A query variable: {@code label_values(match, label)}, and what "All" stands for. */
    public record Variable(String name, String match, String label, String allValue) {}

    private final String fileName;
    private final String title;
    private final List<Panel> panels;
    private final List<Variable> variables;

    private GrafanaDashboard(String fileName, String title, List<Panel> panels, List<Variable> variables) {
        this.fileName = fileName;
        this.title = title;
        this.panels = panels;
        this.variables = variables;
    }

    public static GrafanaDashboard read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboard " + file, e);
        }
        List<Panel> panels = new ArrayList<>();
        String row = "";
        for (JsonNode panel : root.path("panels")) {
            String type = panel.path("type").asText();
            if ("row".equals(type)) {
                row = panel.path("title").asText();
            }
            List<Target> targets = new ArrayList<>();
            for (JsonNode target : panel.path("targets")) {
                targets.add(new Target(target.path("refId").asText(), target.path("expr").asText(""),
                        target.path("legendFormat").asText("")));
            }
            JsonNode grid = panel.path("gridPos");
            panels.add(new Panel(row, panel.path("title").asText(), type,
                    panel.path("fieldConfig").path("defaults").path("unit").asText("short"),
                    new Grid(grid.path("x").asInt(), grid.path("y").asInt(), grid.path("w").asInt(), grid.path("h").asInt()),
                    List.copyOf(targets)));
        }
        List<Variable> variables = new ArrayList<>();
        for (JsonNode variable : root.path("templating").path("list")) {
            String definition = variable.path("definition").asText();
            Matcher labelValues = LABEL_VALUES.matcher(definition);
            if (!labelValues.matches()) {
                throw new IllegalArgumentException(file + ": variable " + variable.path("name").asText()
                        + " is not a label_values(metric, label) query: " + definition);
            }
            variables.add(new Variable(variable.path("name").asText(), labelValues.group(1).trim(),
                    labelValues.group(2), variable.path("allValue").asText(".*")));
        }
        return new GrafanaDashboard(file.getFileName().toString(), root.path("title").asText(),
                List.copyOf(panels), List.copyOf(variables));
    }

    public String fileName() {
        return fileName;
    }

    public String title() {
        return title;
    }

    /** Every panel, rows included, in file order. */
    public List<Panel> panels() {
        return panels;
    }

    public List<Variable> variables() {
        return variables;
    }

    /**
     * The query Grafana sends for {@code expr} with every variable at "All" and the interval
     * variables at {@link #INTERVALS}; fails on a variable the dashboard does not define.
     */
    public String resolve(String expr) {
        Matcher matcher = VARIABLE.matcher(expr);
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            String value = INTERVALS.get(name);
            if (value == null) {
                value = variables.stream().filter(v -> v.name().equals(name)).map(Variable::allValue).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException(fileName + ": query uses $" + name
                                + ", which the dashboard does not define: " + expr));
            }
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(resolved);
        return resolved.toString();
    }
}
