package io.driftless.bench.scenario;

import static io.driftless.bench.scenario.Figures.ms;
import static io.driftless.bench.scenario.Figures.percent;
import static io.driftless.bench.scenario.Figures.rate;
import static io.driftless.bench.scenario.Figures.ratio;

import io.driftless.bench.load.RunResult;
import io.driftless.bench.report.Headline;
import io.driftless.bench.report.Point;
import io.driftless.bench.report.ScenarioResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Scenario 3: the pipeline offered 1.5 and 3 times its capacity. Goodput (on-time responses per
 * second) should stay near the capacity, the excess dropped before inference, and no response
 * may be rendered late.
 */
public final class Overload implements Scenario {

    private static final double[] FACTORS = {1.5, 3};

    @Override
    public String id() {
        return "overload";
    }

    @Override
    public String title() {
        return "Overload";
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        int capacityUsers = context.capacityUsers().orElse(0);
        if (capacityUsers == 0) {
            return ScenarioResult.notRun(id(), title(),
                    "not run: needs a capacity above zero from the capacity scenario, which must run first");
        }
        double capacityFps = (double) capacityUsers * context.plan().fps();
        List<List<String>> rows = new ArrayList<>();
        List<Point> points = new ArrayList<>();
        List<Headline> headline = new ArrayList<>();
        for (double factor : FACTORS) {
            String label = String.format(Locale.ROOT, "%.1f× capacity", factor);
            int users = (int) Math.max(1, Math.round(capacityUsers * factor));
            Point p = context.point(SystemKind.PIPELINE, label, users, context.plan().measure());
            points.add(p);
            rows.add(List.of(label, Integer.toString(users), rate(p.offeredFps()), rate(p.goodputFps().median()),
                    ratio(p.goodputFps().median(), capacityFps), percent(p.onTimeRatio()), ms(p.p99Ms()),
                    Long.toString(p.lateResponses()), Long.toString(p.unaccounted()), drops(p.runs())));
            headline.add(new Headline("goodput at " + label,
                    String.format(Locale.ROOT, "%,.0f on-time responses/s (late responses: %d)",
                            p.goodputFps().median(), p.lateResponses()),
                    String.format(Locale.ROOT, "capacity %,.0f frames/s", capacityFps),
                    ratio(p.goodputFps().median(), capacityFps)));
        }
        return new ScenarioResult(id(), title(), true,
                "Goodput: on-time responses per second of sending. Late responses: responses the job itself"
                        + " emitted past their deadline; the render gate must make this 0.",
                List.of("load", "users", "offered /s", "goodput /s", "goodput / capacity", "on time",
                        "p99 of responses ms", "late responses", "unaccounted", "drops (all runs)"),
                rows, points, headline);
    }

    private static String drops(List<RunResult> runs) {
        Map<String, Long> total = new TreeMap<>();
        runs.forEach(r -> r.dropped().forEach((reason, n) -> total.merge(reason, n, Long::sum)));
        return total.isEmpty() ? "none" : total.entrySet().stream()
                .map(e -> e.getKey() + " " + Figures.count(e.getValue())).collect(Collectors.joining(", "));
    }
}
