package io.driftless.bench.scenario;

import static io.driftless.bench.scenario.Figures.ms;
import static io.driftless.bench.scenario.Figures.percent;
import static io.driftless.bench.scenario.Figures.rate;
import static io.driftless.bench.scenario.Figures.ratio;

import io.driftless.bench.floor.ComputeFloor;
import io.driftless.bench.load.CapacitySearch;
import io.driftless.bench.load.RunResult;
import io.driftless.bench.report.Headline;
import io.driftless.bench.report.MeasuredCapacity;
import io.driftless.bench.report.Point;
import io.driftless.bench.report.ScenarioResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Scenario 2: the highest offered rate at which the pipeline keeps p99 under the deadline and
 * the on-time ratio at or above 99.9% with every frame accounted for, found by
 * {@link CapacitySearch} over the number of users at the plan's frame rate. Each step runs the
 * plan's repeats and is judged on their medians: at a 99.9% bar one hiccup of a shared machine
 * fails a single run, and a search that trusts single runs stops wherever the first hiccup fell.
 * The Kafka floor's capacity is searched the same way first (the pipeline last, so the scenarios
 * after this one find it warm): what the two Kafka hops alone carry on this machine, with the load
 * generator beside them, is what the pipeline's capacity is measured against.
 */
public final class Capacity implements Scenario {

    static final double DEADLINE_MS = 33;
    static final double MIN_ON_TIME = 0.999;
    private static final double TOLERANCE = 0.1;

    @Override
    public String id() {
        return "capacity";
    }

    @Override
    public String title() {
        return "Capacity at the deadline";
    }

    /** Whether a step's repeated runs met the targets the capacity is defined by, at their medians. */
    static boolean meetsTargets(Point step) {
        return step.p99Ms().median() < DEADLINE_MS && step.onTimeRatio().median() >= MIN_ON_TIME
                && step.unaccounted() == 0;
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        int fps = context.plan().fps();
        CapacitySearch search = new CapacitySearch(context.plan().searchStartUsers(),
                context.plan().searchMaxUsers(), context.plan().searchSteps(), TOLERANCE);
        CapacitySearch.Result<Point> floor =
                search(context, search, SystemKind.KAFKA_FLOOR, "capacity search, Kafka floor");
        CapacitySearch.Result<Point> found = search(context, search, SystemKind.PIPELINE, "capacity search");
        context.capacity(MeasuredCapacity.of(found.users(), fps, found.bracketed()));
        List<List<String>> rows = new ArrayList<>();
        List<Point> points = new ArrayList<>();
        for (CapacitySearch.Result<Point> result : List.of(floor, found)) {
            String system = result == floor ? "Kafka floor" : "pipeline";
            for (CapacitySearch.Step<Point> step : result.steps()) {
                Point p = step.measured();
                rows.add(List.of(system, Integer.toString(step.users()), rate(p.offeredFps()), ms(p.p99Ms()),
                        percent(p.onTimeRatio()), Long.toString(p.unaccounted()),
                        String.format(Locale.ROOT, "%.0f", p.processCpuUsPerFrame().median()),
                        step.passed() ? "yes" : "no"));
                points.add(p);
            }
        }
        double capacityFps = (double) found.users() * fps;
        double floorFps = (double) floor.users() * fps;
        ComputeFloor.Result batched = context.computeFloor().stream()
                .max(Comparator.comparingInt(ComputeFloor.Result::batchSize)).orElse(null);
        int repeats = context.plan().repeats();
        String note = "Targets: p99 < 33 ms, on time ≥ 99.9%, unaccounted = 0; each step "
                + (repeats == 1 ? "one run" : repeats + " runs, judged on their medians (range in brackets),")
                + " of " + context.plan().searchStep().toSeconds()
                + " s on the warm system, the Kafka floor's first, then the pipeline's. CPU per frame: the whole"
                + " process's CPU time over the step's window per frame sent, in µs."
                + (found.bracketed() ? "" : " The pipeline's search ran out of steps or hit its limits before it"
                        + " bracketed the capacity: the figure is a lower bound.")
                + (floor.bracketed() ? "" : " The Kafka floor's search ran out of steps or hit its limits before it"
                        + " bracketed its capacity: the floor's figure is a lower bound, and the ratio an upper one.");
        Headline headline = new Headline("capacity at the deadline",
                String.format(Locale.ROOT, "%,.0f frames/s (%,d users × %d fps)", capacityFps, found.users(), fps),
                batched == null ? "-" : String.format(Locale.ROOT, "compute floor %,.0f frames/s (bare model, batch %d)",
                        batched.framesPerS(), batched.batchSize()),
                batched == null ? "-" : ratio(capacityFps, batched.framesPerS()));
        Headline againstKafka = new Headline("capacity against the Kafka floor's",
                String.format(Locale.ROOT, "%,.0f frames/s", capacityFps),
                String.format(Locale.ROOT, "Kafka floor %,.0f frames/s (%,d users)%s", floorFps, floor.users(),
                        floor.bracketed() ? "" : ", a lower bound"),
                ratio(capacityFps, floorFps));
        return new ScenarioResult(id(), title(), true, note,
                List.of("system", "users", "offered /s", "p99 ms", "on time", "unaccounted", "CPU µs / frame",
                        "passed"),
                rows, points, List.of(headline, againstKafka));
    }

    private static CapacitySearch.Result<Point> search(BenchContext context, CapacitySearch search, SystemKind kind,
            String label) throws Exception {
        return search.search(users -> {
            List<RunResult> runs = new ArrayList<>();
            for (int run = 1; run <= context.plan().repeats(); run++) {
                runs.add(context.once(kind, label, users, context.plan().searchStep()));
            }
            Point step = Point.of(label, runs);
            return new CapacitySearch.Step<>(users, meetsTargets(step), step);
        });
    }
}
