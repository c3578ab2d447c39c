package io.driftless.bench.scenario;

import static io.driftless.bench.scenario.Figures.ms;
import static io.driftless.bench.scenario.Figures.percent;
import static io.driftless.bench.scenario.Figures.rate;
import static io.driftless.bench.scenario.Figures.ratio;

import io.driftless.bench.load.RunResult;
import io.driftless.bench.report.Headline;
import io.driftless.bench.report.Point;
import io.driftless.bench.report.ScenarioResult;
import io.driftless.bench.report.Stat;
import io.driftless.proto.DropReason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scenario 5: the pose model on the inference server (gRPC on a local port) against the model
 * in-process, with the client's adaptive in-flight limit and without it, at the plan's
 * reference size and, when the capacity scenario ran first, at 70% of the capacity (where
 * both can keep their deadlines and the difference is the remote call's own) and at twice it
 * (where the remote client must shed what the server cannot answer in time). Server and job
 * share this machine, so the figure is what the remote call path costs, not what a GPU pool
 * would give.
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
        context.overCapacityUsers().ifPresent(sizes::add);
        if (!sizes.contains(context.plan().referenceUsers())) {
            sizes.add(context.plan().referenceUsers());
        }
        // one system after the other, so each starts (and warms up) once
        Map<Integer, Point> inProcess = new LinkedHashMap<>();
        for (int users : sizes) {
            Point measured = context.measured(SystemKind.PIPELINE, users);
            inProcess.put(users, measured != null ? measured
                    : context.point(SystemKind.PIPELINE, "in-process", users, context.plan().measure()));
        }
        Map<Integer, Point> limited = new LinkedHashMap<>();
        for (int users : sizes) {
            limited.put(users, context.point(SystemKind.REMOTE_PIPELINE, "remote", users, context.plan().measure()));
        }
        Map<Integer, Point> unlimited = new LinkedHashMap<>();
        for (int users : sizes) {
            unlimited.put(users, context.point(SystemKind.UNLIMITED_REMOTE_PIPELINE, "remote, no in-flight limit",
                    users, context.plan().measure()));
        }
        List<List<String>> rows = new ArrayList<>();
        List<Point> points = new ArrayList<>();
        List<Headline> headlines = new ArrayList<>();
        for (int users : sizes) {
            Point base = inProcess.get(users);
            Point remote = limited.get(users);
            Point off = unlimited.get(users);
            rows.add(row("in-process", users, base, base));
            rows.add(row("remote (gRPC, same machine)", users, remote, base));
            rows.add(row("remote, no in-flight limit", users, off, base));
            points.add(remote);
            points.add(off);
            headlines.add(new Headline(
                    String.format(Locale.ROOT, "remote inference RTT p99 at %,d users", users),
                    String.format(Locale.ROOT, "%.2f ms (on time %s)", remote.p99Ms().median(),
                            percent(remote.onTimeRatio().median())),
                    String.format(Locale.ROOT, "in-process %.2f ms (on time %s)", base.p99Ms().median(),
                            percent(base.onTimeRatio().median())),
                    ratio(remote.p99Ms().median(), base.p99Ms().median())));
            headlines.add(new Headline(
                    String.format(Locale.ROOT, "remote inference goodput at %,d users", users),
                    String.format(Locale.ROOT, "%s/s with the in-flight limit (on time %s)",
                            rate(remote.goodputFps().median()), percent(remote.onTimeRatio().median())),
                    String.format(Locale.ROOT, "%s/s without it (on time %s)", rate(off.goodputFps().median()),
                            percent(off.onTimeRatio().median())),
                    ratio(remote.goodputFps().median(), off.goodputFps().median())));
        }
        return new ScenarioResult(id(), title(), true,
                "All at the same offered load: 70% and twice the measured capacity (when the capacity scenario"
                        + " ran) and the plan's reference size; the in-process figures are the latency profile's"
                        + " when it ran at that size. 'No in-flight limit' is the remote client with"
                        + " driftless.inference.remote.in-flight-limit.algorithm=OFF: only HTTP/2 flow control"
                        + " bounds what it sends. The last two columns are shares of the frames sent.",
                List.of("model", "users", "offered /s", "p50 ms", "p99 ms", "p99.9 ms", "on time", "goodput /s",
                        "p50 ratio", "p99 ratio", "unaccounted", "deadline exceeded", "overloaded"),
                rows, points, headlines);
    }

    private static List<String> row(String what, int users, Point p, Point base) {
        return List.of(what, String.format(Locale.ROOT, "%,d", users), rate(p.offeredFps()), ms(p.p50Ms()),
                ms(p.p99Ms()), ms(p.p999Ms()), percent(p.onTimeRatio()), rate(p.goodputFps().median()),
                ratio(p.p50Ms().median(), base.p50Ms().median()), ratio(p.p99Ms().median(), base.p99Ms().median()),
                Long.toString(p.unaccounted()), percent(share(p, DropReason.DEADLINE_EXCEEDED)),
                percent(share(p, DropReason.OVERLOADED)));
    }

    /** The share of the frames sent that were dropped for {@code reason}, median over the runs. */
    private static Stat share(Point p, DropReason reason) {
        List<Double> shares = new ArrayList<>();
        for (RunResult run : p.runs()) {
            shares.add(run.sent() == 0 ? 0 : (double) run.dropped().getOrDefault(reason.name(), 0L) / run.sent());
        }
        return Stat.of(shares);
    }
}
