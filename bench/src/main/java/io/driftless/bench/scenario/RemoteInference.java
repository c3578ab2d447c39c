package io.driftless.bench.scenario;

import static io.driftless.bench.scenario.Figures.ms;
import static io.driftless.bench.scenario.Figures.percent;
import static io.driftless.bench.scenario.Figures.rate;
import static io.driftless.bench.scenario.Figures.ratio;

import io.driftless.bench.report.Headline;
import io.driftless.bench.report.Point;
import io.driftless.bench.report.ScenarioResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Scenario 5: the pose model on the inference server (gRPC on a local port) against the model
 * in-process, at the plan's reference size and, when the capacity scenario ran first, at 70% of
 * the capacity, where both can keep their deadlines and the difference is the remote call's own.
 * Server and job share this machine, so the figure is what the remote call path costs, not what
 * a GPU pool would give.
 */
public final class RemoteInference implements Scenario {

    @Override
    public String id() {
        return "remote-inference";
    }

    @Override
    public String title() {
        return "Remote inference versus in-process";
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        context.belowCapacityUsers().ifPresent(sizes::add);
        if (!sizes.contains(context.plan().referenceUsers())) {
            sizes.add(context.plan().referenceUsers());
        }
        List<List<String>> rows = new ArrayList<>();
        List<Point> points = new ArrayList<>();
        List<Headline> headlines = new ArrayList<>();
        for (int users : sizes) {
            Point inProcess = context.measured(SystemKind.PIPELINE, users);
            if (inProcess == null) {
                inProcess = context.point(SystemKind.PIPELINE, "in-process", users, context.plan().measure());
            }
            Point remote = context.point(SystemKind.REMOTE_PIPELINE, "remote", users, context.plan().measure());
            rows.add(row("in-process", users, inProcess, inProcess));
            rows.add(row("remote (gRPC, same machine)", users, remote, inProcess));
            points.add(remote);
            headlines.add(new Headline(
                    String.format(Locale.ROOT, "remote inference RTT p99 at %,d users", users),
                    String.format(Locale.ROOT, "%.2f ms (on time %s)", remote.p99Ms().median(),
                            percent(remote.onTimeRatio().median())),
                    String.format(Locale.ROOT, "in-process %.2f ms (on time %s)", inProcess.p99Ms().median(),
                            percent(inProcess.onTimeRatio().median())),
                    ratio(remote.p99Ms().median(), inProcess.p99Ms().median())));
        }
        return new ScenarioResult(id(), title(), true,
                "Both at the same offered load: 70% of the measured capacity (when the capacity scenario ran)"
                        + " and the plan's reference size; the in-process figures are the latency profile's when"
                        + " it ran at that size.",
                List.of("model", "users", "offered /s", "p50 ms", "p99 ms", "p99.9 ms", "on time", "p50 ratio",
                        "p99 ratio", "unaccounted"),
                rows, points, headlines);
    }

    private static List<String> row(String what, int users, Point p, Point base) {
        return List.of(what, String.format(Locale.ROOT, "%,d", users), rate(p.offeredFps()), ms(p.p50Ms()), ms(p.p99Ms()), ms(p.p999Ms()),
                percent(p.onTimeRatio()), ratio(p.p50Ms().median(), base.p50Ms().median()),
                ratio(p.p99Ms().median(), base.p99Ms().median()), Long.toString(p.unaccounted()));
    }
}
