package io.driftless.bench.scenario;

import static io.driftless.bench.scenario.Figures.count;
import static io.driftless.bench.scenario.Figures.percent;
import static io.driftless.bench.scenario.Figures.rate;

import io.driftless.bench.floor.JpegComputeFloor;
import io.driftless.bench.load.CapacitySearch;
import io.driftless.bench.load.RunResult;
import io.driftless.bench.report.Headline;
import io.driftless.bench.report.Point;
import io.driftless.bench.report.ScenarioResult;
import io.driftless.source.SendMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Scenario 4: how many camera streams of 640×480 JPEG frames at the plan's frame rate the
 * pipeline serves on this machine within the deadline, found by {@link CapacitySearch} over the
 * number of streams (1, 2, 4, … then bisection), against the JPEG path's compute floor measured
 * in the same run: the cores times the frames one core can decode, detect, pose, annotate and
 * encode per second, divided by the frame rate.
 *
 * <p>Each stream sends the load generator's JPEG frames (a portrait at a framing of its own,
 * quality 80), encoded before the run; the job answers each with an annotated frame.
 */
public final class JpegStreams implements Scenario {

    static final double DEADLINE_MS = 33;
    /**
     * Lower than the capacity scenario's 99.9%: a step of a few streams sends a few hundred
     * frames, where 99.9% would allow not one frame to miss.
     */
    static final double MIN_ON_TIME = 0.99;
    static final String SYSTEM = "pipeline, JPEG";
    private static final int MAX_STREAMS = 64;
    private static final int WARM_UP_STREAMS = 2;
    private static final double TOLERANCE = 0.1;

    @Override
    public String id() {
        return "jpeg-streams";
    }

    @Override
    public String title() {
        return "JPEG streams at 640×480";
    }

    /** Whether a run met the targets the stream count is defined by. */
    static boolean meetsTargets(RunResult run) {
        return run.p99Ms() < DEADLINE_MS && run.onTimeRatio() >= MIN_ON_TIME && run.unaccounted() == 0;
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        int fps = context.plan().fps();
        Duration floorTime = context.plan().computeMeasure();
        context.progress().step("JPEG path compute floor: decode, face model, pose model, annotate, encode on one"
                + " thread for " + floorTime.multipliedBy(2).toMillis() + " ms");
        JpegComputeFloor.Result floor = JpegComputeFloor.measure(floorTime, floorTime);
        context.warmUp(SystemKind.PIPELINE, WARM_UP_STREAMS, context.plan().warmUp(), SendMode.JPEG);
        CapacitySearch search = new CapacitySearch(1, MAX_STREAMS, context.plan().searchSteps(), TOLERANCE);
        CapacitySearch.Result<RunResult> found = search.search(streams -> {
            RunResult run = context.once(SystemKind.PIPELINE, "JPEG streams", streams, context.plan().searchStep(),
                    SendMode.JPEG).named(SYSTEM);
            return new CapacitySearch.Step<>(streams, meetsTargets(run), run);
        });
        List<List<String>> rows = new ArrayList<>();
        List<Point> points = new ArrayList<>();
        for (CapacitySearch.Step<RunResult> step : found.steps()) {
            RunResult r = step.measured();
            rows.add(List.of(Integer.toString(step.users()), rate(r.offeredFps()),
                    String.format(Locale.ROOT, "%.2f", r.p50Ms()), String.format(Locale.ROOT, "%.2f", r.p99Ms()),
                    percent(r.onTimeRatio()), drops(r), count(r.unaccounted()), step.passed() ? "yes" : "no"));
            points.add(Point.of(step.users() + (step.users() == 1 ? " stream" : " streams"), List.of(r)));
        }
        return new ScenarioResult(id(), title(), true, note(context, floor, found),
                List.of("streams", "offered /s", "p50 ms", "p99 ms", "on time", "dropped", "unaccounted", "passed"),
                rows, points, List.of(headline(found.users(), fps, floor)));
    }

    /** The headline row: streams served against the floor's streams. */
    static Headline headline(int streams, int fps, JpegComputeFloor.Result floor) {
        double floorStreams = floor.streams(fps);
        return new Headline("JPEG streams per machine (640×480, q80, " + fps + " fps each)",
                String.format(Locale.ROOT, "%d streams (%,d frames/s)", streams, streams * fps),
                String.format(Locale.ROOT, "compute floor %.1f streams (%d cores × 1000 / (%.2f ms per frame × %d))",
                        floorStreams, floor.cores(), floor.msPerFrame(), fps),
                Figures.ratio(streams, floorStreams));
    }

    private static String note(BenchContext context, JpegComputeFloor.Result floor,
            CapacitySearch.Result<RunResult> found) {
        String stages = floor.stageMs().entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %.2f ms", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, "Targets: p99 < 33 ms, on time ≥ 99%%, unaccounted = 0; each step one run"
                        + " of %d s of JPEG streams at %d fps on the warm pipeline (warmed up with %d JPEG streams"
                        + " for %d s first). Compute floor, one thread, batch 1, mean per frame over %,d frames:"
                        + " %s; %.2f ms in all.",
                context.plan().searchStep().toSeconds(), context.plan().fps(), WARM_UP_STREAMS,
                context.plan().warmUp().toSeconds(), floor.frames(), stages, floor.msPerFrame())
                + (found.bracketed() ? "" : " The search ran out of steps or hit its limits before it bracketed"
                        + " the stream count: the figure is a lower bound.");
    }

    private static String drops(RunResult r) {
        if (r.dropped().isEmpty()) {
            return "0";
        }
        return r.dropped().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
