package io.driftless.bench.scenario;

import static io.driftless.bench.scenario.Figures.ms;
import static io.driftless.bench.scenario.Figures.percent;
import static io.driftless.bench.scenario.Figures.rate;
import static io.driftless.bench.scenario.Figures.ratio;

import io.driftless.bench.report.Headline;
import io.driftless.bench.report.Point;
import io.driftless.bench.report.ScenarioResult;
import io.driftless.source.RunSummary.Stages;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Scenario 1: round-trip latency and on-time ratio at each profile size, for the pipeline and
 * for both transport floors at the same offered load. The floors run first, each on its own,
 * and the pipeline last, so the scenarios after this one find it warm. The Kafka floor runs
 * after the transport floor: the JVM's first seconds (class loading, compiling the Kafka
 * clients) would otherwise be charged to it alone.
 */
public final class LatencyProfile implements Scenario {

    /** The slow frames' time by stage, as shares, or a dash when no frame was slow. */
    static String slowFramesTime(Stages stages) {
        if (stages.slowFrames() == 0) {
            return "-";
        }
        return stages.stages().stream().map(s -> String.format(Locale.ROOT, "%.0f%%", 100 * s.shareOfSlow()))
                .collect(Collectors.joining(" / ")) + String.format(Locale.ROOT, " of %,d", stages.slowFrames());
    }

    /** One stage's p50 / p99 in ms, pipeline against the Kafka floor, from each one's first run. */
    static String stageAgainstFloor(String stage, Point pipeline, Point floor) {
        return stageFigures(stage, pipeline.runs().get(0).stages()) + " ("
                + stageFigures(stage, floor.runs().get(0).stages()) + ")";
    }

    private static String stageFigures(String stage, Stages stages) {
        return stages.stages().stream().filter(s -> s.name().equals(stage)).findFirst()
                .map(s -> String.format(Locale.ROOT, "%.2f / %.2f", s.p50Ms(), s.p99Ms()))
                .orElse("-");
    }

    /**
     * The process's CPU time per frame, pipeline against the Kafka floor (medians), and their ratio:
     * on a machine the broker, the clients and the job share, what the pipeline costs beyond the
     * plain loop is what its round trips wait for.
     */
    static String cpuPerFrame(Point pipeline, Point floor) {
        double ours = pipeline.processCpuUsPerFrame().median();
        double theirs = floor.processCpuUsPerFrame().median();
        return String.format(Locale.ROOT, "%.0f (%.0f), %s", ours, theirs, ratio(ours, theirs));
    }

    /** The process's context switches per frame, pipeline against the Kafka floor (medians). */
    static String switchesPerFrame(Point pipeline, Point floor) {
        double ours = pipeline.contextSwitchesPerFrame().median();
        double theirs = floor.contextSwitchesPerFrame().median();
        if (Double.isNaN(ours) || Double.isNaN(theirs)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f (%.1f), %s", ours, theirs, ratio(ours, theirs));
    }

    @Override
    public String id() {
        return "latency-profile";
    }

    @Override
    public String title() {
        return "Latency profile";
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        List<Integer> sizes = context.plan().profileUsers();
        List<Point> points = new ArrayList<>();
        for (SystemKind kind : List.of(SystemKind.TRANSPORT_FLOOR, SystemKind.KAFKA_FLOOR, SystemKind.PIPELINE)) {
            for (int users : sizes) {
                points.add(context.point(kind, "profile", users, context.plan().measure()));
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (int users : sizes) {
            Point pipeline = context.measured(SystemKind.PIPELINE, users);
            Point transport = context.measured(SystemKind.TRANSPORT_FLOOR, users);
            Point kafka = context.measured(SystemKind.KAFKA_FLOOR, users);
            rows.add(List.of(
                    Integer.toString(users), rate(pipeline.offeredFps()),
                    ms(pipeline.p50Ms()), ms(pipeline.p99Ms()), ms(pipeline.p999Ms()), ms(pipeline.maxMs()),
                    percent(pipeline.onTimeRatio()), Long.toString(pipeline.unaccounted()),
                    ms(transport.p50Ms()), ms(transport.p99Ms()),
                    ratio(pipeline.p50Ms().median(), transport.p50Ms().median()),
                    ratio(pipeline.p99Ms().median(), transport.p99Ms().median()),
                    ms(kafka.p50Ms()), ms(kafka.p99Ms()), ms(kafka.p999Ms()),
                    ratio(pipeline.p99Ms().median(), kafka.p99Ms().median()),
                    ratio(pipeline.p999Ms().median(), kafka.p999Ms().median()),
                    stageAgainstFloor("Kafka and clients", pipeline, kafka),
                    stageAgainstFloor("frames topic to job", pipeline, kafka),
                    percent(pipeline.generatorCpuShare()),
                    cpuPerFrame(pipeline, kafka),
                    switchesPerFrame(pipeline, kafka),
                    slowFramesTime(pipeline.runs().get(0).stages())));
        }
        int reference = context.plan().referenceUsers();
        Point pipeline = context.measured(SystemKind.PIPELINE, reference);
        Point transport = context.measured(SystemKind.TRANSPORT_FLOOR, reference);
        Point kafka = context.measured(SystemKind.KAFKA_FLOOR, reference);
        List<Headline> headline = List.of(
                new Headline(String.format(Locale.ROOT, "RTT p99 at %,d users × %d fps", reference,
                        context.plan().fps()),
                        String.format(Locale.ROOT, "%.2f ms", pipeline.p99Ms().median()),
                        String.format(Locale.ROOT, "transport floor %.2f ms (Kafka floor %.2f ms)",
                                transport.p99Ms().median(), kafka.p99Ms().median()),
                        ratio(pipeline.p99Ms().median(), transport.p99Ms().median())),
                new Headline(String.format(Locale.ROOT, "RTT p50 at %,d users × %d fps", reference,
                        context.plan().fps()),
                        String.format(Locale.ROOT, "%.2f ms", pipeline.p50Ms().median()),
                        String.format(Locale.ROOT, "transport floor %.2f ms (Kafka floor %.2f ms)",
                                transport.p50Ms().median(), kafka.p50Ms().median()),
                        ratio(pipeline.p50Ms().median(), transport.p50Ms().median())),
                new Headline(String.format(Locale.ROOT, "on time at %,d users", reference),
                        percent(pipeline.onTimeRatio().median()),
                        "transport floor " + percent(transport.onTimeRatio().median()),
                        ratio(pipeline.onTimeRatio().median(), transport.onTimeRatio().median())));
        return new ScenarioResult(id(), title(), true,
                "Round trips are client send to client receive of each frame's first answer, one clock."
                        + " On time: answered within the 33 ms budget, over frames sent. Slow frames' time: of the"
                        + " frames whose round trip took more than half the budget (first run of each point), the"
                        + " share of their time in Kafka and the clients (the frame's send, the answer's way back),"
                        + " from the frames topic to the job (the broker's append to the job's read: the job's fetch"
                        + " and any backlog), in the job before the model, in the model and in the job after it, by"
                        + " the job's stamps. The two Kafka stages also for the Kafka floor, in brackets, whose relay"
                        + " stamps its read and emit as the job does (p50 / p99 ms, first run of each point). CPU per frame:"
                        + " the whole process's CPU time over each run's window (broker, load generator, compiler"
                        + " and collector included) per frame sent, in µs, the Kafka floor's in brackets; context switches"
                        + " likewise: the process's threads' switches per frame, which count the hand-overs"
                        + " between threads a frame costs and the waits for a core.",
                List.of("users", "offered /s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "on time", "unaccounted",
                        "transport p50", "transport p99", "p50 ratio", "p99 ratio", "Kafka p50", "Kafka p99",
                        "Kafka p99.9", "p99 / Kafka", "p99.9 / Kafka", "Kafka and clients (Kafka floor)",
                        "frames topic to job (Kafka floor)", "generator CPU", "CPU µs / frame (Kafka floor), ratio",
                        "context switches / frame (Kafka floor), ratio",
                        "slow frames' time: Kafka and clients / frames topic to job / to model / model / to sink"),
                rows, points, headline);
    }
}
