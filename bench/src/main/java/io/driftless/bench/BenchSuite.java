package io.driftless.bench;

import io.driftless.bench.floor.ComputeFloor;
import io.driftless.bench.load.LoadRunner;
import io.driftless.bench.report.Headline;
import io.driftless.bench.report.Machine;
import io.driftless.bench.report.MeasuredCapacity;
import io.driftless.bench.report.Point;
import io.driftless.bench.report.Report;
import io.driftless.bench.report.ReportFiles;
import io.driftless.bench.report.ReportPlots;
import io.driftless.bench.report.ScenarioResult;
import io.driftless.bench.report.Stat;
import io.driftless.bench.scenario.BenchContext;
import io.driftless.bench.scenario.Capacity;
import io.driftless.bench.scenario.ClusterShape;
import io.driftless.bench.scenario.GatewayPath;
import io.driftless.bench.scenario.ColdStart;
import io.driftless.bench.scenario.HeadSpeedDrift;
import io.driftless.bench.scenario.JpegStreams;
import io.driftless.bench.scenario.LatencyProfile;
import io.driftless.bench.scenario.MetricsOverhead;
import io.driftless.bench.scenario.Overload;
import io.driftless.bench.scenario.ProgressLine;
import io.driftless.bench.scenario.RemoteInference;
import io.driftless.bench.scenario.Scenario;
import io.driftless.bench.scenario.SessionSkew;
import io.driftless.bench.system.BenchBroker;
import io.driftless.bench.system.KafkaRelay;
import io.driftless.source.MotionProfile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Runs a {@link BenchPlan}: the compute floor, then each scenario on the embedded system (one
 * broker, one system at a time), then writes report.md, report.json and the plots.
 *
 * <pre>{@code
 * Report report = new BenchSuite(BenchPlan.quick(), Path.of("bench-report"), System.out).run();
 * }</pre>
 */
public final class BenchSuite {

    private static final int PARTITIONS = 2;
    /** Per measured run besides its sending time: drain, accounting, truncation. */
    private static final Duration RUN_OVERHEAD = Duration.ofSeconds(6);
    private static final Duration SYSTEM_START = Duration.ofSeconds(15);

    private final BenchPlan plan;
    private final Path out;
    private final PrintStream console;

    public BenchSuite(BenchPlan plan, Path out, PrintStream console) {
        this.plan = plan;
        this.out = out;
        this.console = console;
    }

    /** Every scenario there is, by id. */
    static List<Scenario> scenarios() {
        return List.of(new ColdStart(), new LatencyProfile(), new Capacity(), new HeadSpeedDrift(), new Overload(),
                new SessionSkew(),
                new RemoteInference(), new JpegStreams(), new GatewayPath(), new MetricsOverhead(), new ClusterShape());
    }

    public Report run() throws Exception {
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        long startNanos = System.nanoTime();
        Machine machine = Machine.now();
        ProgressLine progress = new ProgressLine(console, estimate());
        progress.scenario("Compute floor");
        List<ComputeFloor.Result> compute = new ArrayList<>();
        for (int batch : plan.computeBatch() == 1 ? List.of(1) : List.of(1, plan.computeBatch())) {
            progress.step("bare pose model, batch " + batch);
            // warmed up as long as it is measured
            compute.add(ComputeFloor.measure(batch, plan.computeMeasure(), plan.computeMeasure()));
        }
        List<ScenarioResult> results = new ArrayList<>();
        MeasuredCapacity capacity;
        Path work = Files.createTempDirectory("driftless-bench");
        try (BenchBroker broker = BenchBroker.start(PARTITIONS);
                BenchContext context = new BenchContext(plan, broker, new LoadRunner(broker, work), progress,
                        compute)) {
            for (Scenario scenario : scenarios()) {
                if (plan.runs(scenario.id())) {
                    progress.scenario(scenario.title());
                    results.add(scenario.run(context));
                }
            }
            capacity = context.capacity().orElse(null);
        } finally {
            deleteQuietly(work);
        }
        Files.createDirectories(out);
        List<String> plots = ReportPlots.write(out, results);
        List<Headline> headline = new ArrayList<>();
        results.forEach(r -> headline.addAll(r.headline()));
        results.stream().filter(r -> !r.ran())
                .forEach(r -> headline.add(new Headline(r.title(), r.note(), "-", "-")));
        Report report = new Report(plan.mode(), started.toString(), (System.nanoTime() - startNanos) / 1e9,
                machine.ended(), method(results), compute, headline, capacity, results, plots);
        ReportFiles.write(out, report);
        return report;
    }

    private List<String> method(List<ScenarioResult> results) {
        Stat generator = Stat.of(results.stream().flatMap(r -> r.points().stream())
                .flatMap(p -> p.runs().stream()).map(r -> r.generatorCpuShare()).toList());
        Stat generatorCores = Stat.of(results.stream().flatMap(r -> r.points().stream())
                .flatMap(p -> p.runs().stream()).map(r -> r.generatorCores()).toList());
        return List.of(
                "Everything runs in one JVM on this machine: an embedded Kafka broker (KRaft, " + PARTITIONS
                        + " partitions per topic), the job on a local Flink cluster (parallelism 1, buffer timeout 0,"
                        + " checkpoints every 10 s, no metrics reporter) and frame-source's synthetic users as the"
                        + " load generator. Send and receive are stamped with one clock.",
                "One system runs at a time. Before its first measured run each system serves a warm-up of "
                        + plan.warmUp().toSeconds() + " s at " + BenchContext.warmUpUsers(plan) + " users × "
                        + plan.fps()
                        + " fps that is not measured (the first system, and the cluster whose TaskManager is a"
                        + " fresh JVM, three times as long: it also warms up the JVM); every measured run then sends for "
                        + plan.measure().toSeconds() + " s (capacity steps " + plan.searchStep().toSeconds()
                        + " s) and waits up to 5 s for the last answers. A system whose run left frames"
                        + " unanswered (a backlog the next run would measure) is restarted on fresh topics and"
                        + " warmed up again before its next run.",
                "Each point is the median of " + plan.repeats() + " run(s), with the spread (min–max) in brackets"
                        + " when there is more than one; capacity search steps are single runs.",
                "Kafka floor: a consumer and a producer with the job's client settings (fetch wait 50 ms,"
                        + " linger 0) answer each frame at once, with an answer of the job's shape and size (pose,"
                        + " anchors, motion): the same two Kafka hops as the pipeline, no Flink."
                        + " Transport floor: the job's own topology (parse, keyBy session, admission gate, async"
                        + " stage, render gate, sinks) with a model that answers at once. Compute floor: the bare"
                        + " pose model in a loop on one thread (encode, run, decode), batch 1 and batched.",
                "Every measured run is checked by the accounting: the run's sent log against what the answer"
                        + " topics hold (read back after the run); 'unaccounted' must be 0. 'Late responses' counts"
                        + " responses the job emitted past their deadline; it must be 0.",
                String.format(Locale.ROOT, "The load generator shares the machine: its threads took a median %.0f%%"
                                + " (%.0f–%.0f%%) of the process's CPU time over the measured runs, %.2f cores"
                                + " (thread CPU time sampled every 250 ms). Its own latency (scheduling, producing,"
                                + " consuming) is inside every round trip, floors included: the Kafka floor bounds it.",
                        100 * generator.median(), 100 * generator.min(), 100 * generator.max(),
                        generatorCores.median()),
                "The machine may be shared with other work: the load averages above say how busy it was.");
    }

    /** About how long the plan takes, for the progress line. */
    Duration estimate() {
        Duration run = plan.measure().plus(RUN_OVERHEAD);
        int sizes = plan.profileUsers().size();
        int repeats = plan.repeats();
        Duration total = plan.computeMeasure().multipliedBy(4);
        int systems = 0;
        if (plan.runs("cold-start")) {
            // three fresh runs, each starting its own Kafka and job (one a cluster) and stopping them
            total = total.plus(Duration.ofSeconds(3 * (40 + 40)));
        }
        if (plan.runs("latency-profile")) {
            total = total.plus(run.multipliedBy(3L * sizes * repeats));
            systems += 3;
        }
        if (plan.runs("capacity")) {
            total = total.plus(plan.searchStep().plus(RUN_OVERHEAD).multipliedBy(plan.searchSteps()));
        }
        if (plan.runs(HeadSpeedDrift.ID)) {
            // every motion profile at two sizes
            total = total.plus(run.multipliedBy(2L * MotionProfile.values().length));
        }
        if (plan.runs("overload")) {
            total = total.plus(run.multipliedBy(2L * repeats));
        }
        if (plan.runs("session-skew")) {
            total = total.plus(run.multipliedBy(2L * repeats));
        }
        if (plan.runs("remote-inference")) {
            // up to three sizes on the remote system with its in-flight limit and without, and in-process
            total = total.plus(run.multipliedBy(3L * 3 * repeats));
            systems += 3;
        }
        if (plan.runs("gateway")) {
            // a warm-up and a run through the gateway, a run straight to Kafka
            total = total.plus(plan.warmUp()).plus(run.multipliedBy(2));
        }
        if (plan.runs("metrics-overhead")) {
            // every run starts its system afresh: off and on alternate
            int runs = 2 * MetricsOverhead.rounds(repeats);
            total = total.plus(run.plus(SYSTEM_START).plus(plan.warmUp()).multipliedBy(runs));
        }
        if (plan.runs("jpeg-streams")) {
            total = total.plus(plan.computeMeasure().multipliedBy(2)).plus(plan.warmUp())
                    .plus(plan.searchStep().plus(RUN_OVERHEAD).multipliedBy(plan.searchSteps()));
        }
        if (plan.runs("cluster-shape")) {
            // its own system (a cluster to start), a capacity search, the JPEG floor, a JPEG warm-up and run
            total = total.plus(plan.computeMeasure().multipliedBy(2)).plus(plan.warmUp())
                    .plus(plan.searchStep().plus(RUN_OVERHEAD).multipliedBy(plan.searchSteps() + 1L));
            systems += 1;
        }
        if (systems == 0 && Stream.of("capacity", HeadSpeedDrift.ID, "overload", "session-skew", "jpeg-streams")
                .anyMatch(plan::runs)) {
            systems = 1;
        }
        return total.plus(SYSTEM_START.plus(plan.warmUp()).multipliedBy(systems)).plus(plan.warmUp().multipliedBy(2));
    }

    /**
     * Whether every run of the report had every frame accounted for, and no run through the job
     * (which has a render gate; the Kafka floor has none) a response emitted late.
     */
    public static boolean clean(Report report) {
        return points(report).stream().allMatch(p -> p.unaccounted() == 0
                && (p.lateResponses() == 0 || p.system().equals(KafkaRelay.NAME)));
    }

    private static void deleteQuietly(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The points of a report, for tests and summaries. */
    static List<Point> points(Report report) {
        return report.scenarios().stream().flatMap(s -> s.points().stream()).toList();
    }
}
