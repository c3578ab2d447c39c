package io.driftless.bench.scenario;

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
 * {@link CapacitySearch} over the number of users at the plan's frame rate.
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

    /** Whether a run met the targets the capacity is defined by. */
    static boolean meetsTargets(RunResult run) {
        return run.p99Ms() < DEADLINE_MS && run.onTimeRatio() >= MIN_ON_TIME && run.unaccounted() == 0;
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        int fps = context.plan().fps();
        CapacitySearch search = new CapacitySearch(context.plan().searchStartUsers(),
                context.plan().searchMaxUsers(), context.plan().searchSteps(), TOLERANCE);
        CapacitySearch.Result<RunResult> found = search.search(users -> {
            RunResult run = context.once(SystemKind.PIPELINE, "capacity search", users, context.plan().searchStep());
            return new CapacitySearch.Step<>(users, meetsTargets(run), run);
        });
        context.capacity(MeasuredCapacity.of(found.users(), fps, found.bracketed()));
        List<List<String>> rows = new ArrayList<>();
        List<Point> points = new ArrayList<>();
        for (CapacitySearch.Step<RunResult> step : found.steps()) {
            RunResult r = step.measured();
            rows.add(List.of(Integer.toString(step.users()), rate(r.offeredFps()),
                    String.format(Locale.ROOT, "%.2f", r.p99Ms()), percent(r.onTimeRatio()),
                    Long.toString(r.unaccounted()), step.passed() ? "yes" : "no"));
            points.add(Point.of("capacity search", List.of(r)));
        }
        double capacityFps = (double) found.users() * fps;
        ComputeFloor.Result batched = context.computeFloor().stream()
                .max(Comparator.comparingInt(ComputeFloor.Result::batchSize)).orElse(null);
        String note = "Targets: p99 < 33 ms, on time ≥ 99.9%, unaccounted = 0; each step one run of "
                + context.plan().searchStep().toSeconds() + " s on the warm pipeline."
                + (found.bracketed() ? "" : " The search ran out of steps or hit its limits before it bracketed"
                        + " the capacity: the figure is a lower bound.");
        Headline headline = new Headline("capacity at the deadline",
                String.format(Locale.ROOT, "%,.0f frames/s (%,d users × %d fps)", capacityFps, found.users(), fps),
                batched == null ? "-" : String.format(Locale.ROOT, "compute floor %,.0f frames/s (bare model, batch %d)",
                        batched.framesPerS(), batched.batchSize()),
                batched == null ? "-" : ratio(capacityFps, batched.framesPerS()));
        return new ScenarioResult(id(), title(), true, note,
                List.of("users", "offered /s", "p99 ms", "on time", "unaccounted", "passed"),
                rows, points, List.of(headline));
    }
}
