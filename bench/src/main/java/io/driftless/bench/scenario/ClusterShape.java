package io.driftless.bench.scenario;

import static io.driftless.bench.scenario.Figures.percent;
import static io.driftless.bench.scenario.Figures.rate;
import static io.driftless.bench.scenario.Figures.ratio;

import io.driftless.bench.floor.ComputeFloor;
import io.driftless.bench.floor.JpegComputeFloor;
import io.driftless.bench.load.CapacitySearch;
import io.driftless.bench.load.RunResult;
import io.driftless.bench.report.Headline;
import io.driftless.bench.report.Point;
import io.driftless.bench.report.ScenarioResult;
import io.driftless.bench.system.ClusterSystem;
import io.driftless.source.SendMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Scenario 8: the job as it is deployed — the job jar on a standalone cluster, its TaskManager a
 * JVM of its own — and what it costs there: the capacity at the deadline found as the capacity
 * scenario finds it, and the TaskManager's CPU time per frame at each step (user plus system, from
 * {@code /proc}), for landmark frames and for 640×480 JPEG frames. CPU per frame is what a
 * deployment pays per user whatever else shares the machine: at 30 fps, {@code µs per frame × 30}
 * cores serve a million users.
 */
public final class ClusterShape implements Scenario {

    private static final double TOLERANCE = 0.1;
    private static final int JPEG_STREAMS = 2;

    @Override
    public String id() {
        return "cluster-shape";
    }

    @Override
    public String title() {
        return "The job on a standalone cluster";
    }

    /** One measured run and the TaskManager CPU it took. */
    record Costed(RunResult run, long cpuMicros) {

        double microsPerFrame() {
            return run.sent() == 0 ? Double.NaN : (double) cpuMicros / run.sent();
        }

        double coresBusy() {
            return cpuMicros / (run.durationS() * 1e6);
        }
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        int fps = context.plan().fps();
        CapacitySearch search = new CapacitySearch(context.plan().searchStartUsers(), context.plan().searchMaxUsers(),
                context.plan().searchSteps(), TOLERANCE);
        CapacitySearch.Result<Costed> found = search.search(users -> {
            Costed costed = costed(context, "cluster capacity search", users, SendMode.LANDMARKS);
            return new CapacitySearch.Step<>(users,
                    Capacity.meetsTargets(Point.of("cluster capacity search", List.of(costed.run()))), costed);
        });
        Duration floorTime = context.plan().computeMeasure();
        context.progress().step("JPEG path compute floor, for the JPEG frames' cost");
        JpegComputeFloor.Result jpegFloor = JpegComputeFloor.measure(floorTime, floorTime);
        context.warmUp(SystemKind.CLUSTER_PIPELINE, JPEG_STREAMS, context.plan().warmUp(), SendMode.JPEG);
        Costed jpeg = costed(context, "cluster JPEG streams", JPEG_STREAMS, SendMode.JPEG);

        List<List<String>> rows = new ArrayList<>();
        List<Point> points = new ArrayList<>();
        for (CapacitySearch.Step<Costed> step : found.steps()) {
            rows.add(row("landmarks", step.measured(), step.passed() ? "yes" : "no"));
            points.add(Point.of(step.users() + " users", List.of(step.measured().run())));
        }
        rows.add(row("JPEG 640×480", jpeg, "-"));
        Costed atCapacity = found.steps().stream().filter(CapacitySearch.Step::passed)
                .max(Comparator.comparingInt(CapacitySearch.Step::users)).map(CapacitySearch.Step::measured)
                .orElse(found.steps().get(found.steps().size() - 1).measured());
        List<Headline> headlines = List.of(
                capacityHeadline(context, found.users(), fps),
                landmarkCostHeadline(context, atCapacity, fps),
                jpegCostHeadline(jpeg, jpegFloor, fps));
        String note = String.format(Locale.ROOT, "The job jar submitted with flink run to a JobManager and one"
                        + " TaskManager (2 slots, parallelism 1), each its own JVM, configured by"
                        + " deploy/flink/config.yaml; the broker and the load generator in the bench's JVM on the"
                        + " same machine. Capacity targets as in the capacity scenario, one run of %d s per step."
                        + " CPU per frame: the TaskManager's CPU time over the run divided by the frames sent to"
                        + " it (answered or dropped). JPEG: %d streams at %d fps after a JPEG warm-up of %d s.%s",
                context.plan().searchStep().toSeconds(), JPEG_STREAMS, fps, context.plan().warmUp().toSeconds(),
                found.bracketed() ? "" : " The search did not bracket the capacity: the figure is a lower bound.");
        return new ScenarioResult(id(), title(), true, note,
                List.of("frames", "users", "offered /s", "p99 ms", "on time", "TaskManager µs/frame",
                        "TaskManager cores", "passed"),
                rows, points, headlines);
    }

    /** A run on the cluster with the TaskManager's CPU time over it. */
    private static Costed costed(BenchContext context, String label, int users, SendMode payload) throws Exception {
        ClusterSystem system = (ClusterSystem) context.system(SystemKind.CLUSTER_PIPELINE);
        long before = system.taskManagerCpuMicros();
        RunResult run = context.once(SystemKind.CLUSTER_PIPELINE, label, users, context.plan().searchStep(), payload);
        return new Costed(run, system.taskManagerCpuMicros() - before);
    }

    private static List<String> row(String frames, Costed c, String passed) {
        RunResult r = c.run();
        return List.of(frames, Integer.toString(r.users()), rate(r.offeredFps()),
                String.format(Locale.ROOT, "%.2f", r.p99Ms()), percent(r.onTimeRatio()),
                String.format(Locale.ROOT, "%.0f", c.microsPerFrame()),
                String.format(Locale.ROOT, "%.2f", c.coresBusy()), passed);
    }

    private static Headline capacityHeadline(BenchContext context, int users, int fps) {
        double capacityFps = (double) users * fps;
        return new Headline("capacity at the deadline, on a standalone cluster (1 TaskManager)",
                String.format(Locale.ROOT, "%,.0f frames/s (%,d users × %d fps)", capacityFps, users, fps),
                context.capacity().map(c -> String.format(Locale.ROOT, "in-process pipeline %,.0f frames/s",
                        (double) c.users() * fps)).orElse("-"),
                context.capacity().map(c -> ratio(capacityFps, (double) c.users() * fps)).orElse("-"));
    }

    /** CPU per landmark frame at the highest load that met the targets, against the bare model's. */
    private static Headline landmarkCostHeadline(BenchContext context, Costed atCapacity, int fps) {
        double micros = atCapacity.microsPerFrame();
        ComputeFloor.Result fastest = context.computeFloor().stream()
                .max(Comparator.comparingDouble(ComputeFloor.Result::framesPerS)).orElse(null);
        double floorMicros = fastest == null ? Double.NaN : 1e6 / fastest.framesPerS();
        return new Headline("TaskManager CPU per landmark frame, at " + atCapacity.run().users() + " users",
                String.format(Locale.ROOT, "%.0f µs (%,.0f cores per million users at %d fps)", micros,
                        micros * fps, fps),
                fastest == null ? "-" : String.format(Locale.ROOT, "bare pose model %.0f µs per frame (batch %d)",
                        floorMicros, fastest.batchSize()),
                ratio(micros, floorMicros));
    }

    private static Headline jpegCostHeadline(Costed jpeg, JpegComputeFloor.Result floor, int fps) {
        double micros = jpeg.microsPerFrame();
        double floorMicros = floor.msPerFrame() * 1000;
        return new Headline("TaskManager CPU per JPEG frame (640×480)",
                String.format(Locale.ROOT, "%.0f µs (%.1f cores per 1,000 streams at %d fps)", micros,
                        micros * fps / 1000, fps),
                String.format(Locale.ROOT, "JPEG compute floor %.0f µs per frame", floorMicros),
                ratio(micros, floorMicros));
    }
}
