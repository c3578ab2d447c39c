package io.driftless.bench.scenario;

import io.driftless.bench.BenchPlan;
import io.driftless.bench.floor.ComputeFloor;
import io.driftless.bench.load.LoadRunner;
import io.driftless.bench.load.RunResult;
import io.driftless.bench.report.MeasuredCapacity;
import io.driftless.bench.report.Point;
import io.driftless.bench.system.BenchBroker;
import io.driftless.bench.system.ClusterSystem;
import io.driftless.bench.system.FlinkSystem;
import io.driftless.bench.system.KafkaRelay;
import io.driftless.bench.system.SystemUnderTest;
import io.driftless.source.MotionProfile;
import io.driftless.source.SendMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What scenarios share: the plan, the broker, the one running system (starting another stops
 * it, so no two share the CPU), the points measured so far, and the findings later scenarios
 * build on (the capacity).
 */
public final class BenchContext implements AutoCloseable {

    private static final int PARALLELISM = 1;
    private static final Duration SERVING_TIMEOUT = Duration.ofSeconds(90);
    /** As often as the dashboard check's Prometheus scrapes: the reporter's busiest realistic use. */
    private static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);
    /**
     * The first system of a run also pays for the JVM's own warm-up (class loading, compiling
     * the Kafka clients and Flink's runtime), which takes minutes on a busy machine.
     */
    private static final int FIRST_WARM_UP_FACTOR = 3;

    private final BenchPlan plan;
    private final BenchBroker broker;
    private final LoadRunner load;
    private final ProgressLine progress;
    private final List<ComputeFloor.Result> computeFloor;
    private final Map<String, Point> measured = new HashMap<>();
    private SystemKind runningKind;
    private SystemUnderTest running;
    private MeasuredCapacity capacity;

    /** The share of capacity that comparisons run at. */
    public static final double SHARE_OF_CAPACITY = 0.7;
    /** The overload that comparisons beyond capacity run at. */
    public static final double OVER_CAPACITY = 2.0;
    private boolean started;
    /** Whether the running system left frames unanswered: a backlog the next run would measure. */
    private boolean backlogged;

    public BenchContext(BenchPlan plan, BenchBroker broker, LoadRunner load, ProgressLine progress,
            List<ComputeFloor.Result> computeFloor) {
        this.plan = plan;
        this.broker = broker;
        this.load = load;
        this.progress = progress;
        this.computeFloor = List.copyOf(computeFloor);
    }

    public BenchPlan plan() {
        return plan;
    }

    public List<ComputeFloor.Result> computeFloor() {
        return computeFloor;
    }

    /** The benchmark's broker, for what a scenario starts beside the system, e.g. a web gateway. */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public ProgressLine progress() {
        return progress;
    }

    /** The system of this kind, started and warmed up unless it is the one running. */
    public SystemUnderTest system(SystemKind kind) throws Exception {
        if (kind == runningKind && !backlogged) {
            return running;
        }
        boolean restart = kind == runningKind;
        stopRunning();
        progress.step((restart ? "restarting the " : "starting the ") + kind.name().toLowerCase().replace('_', ' ')
                + (restart ? " on fresh topics: its last run left frames unanswered" : ""));
        backlogged = false;
        running = switch (kind) {
            case KAFKA_FLOOR -> KafkaRelay.start(broker);
            case TRANSPORT_FLOOR -> FlinkSystem.transportFloor(broker, PARALLELISM);
            case PIPELINE -> FlinkSystem.pipeline(broker, PARALLELISM);
            case REMOTE_PIPELINE -> FlinkSystem.remote(broker, PARALLELISM, true);
            case UNLIMITED_REMOTE_PIPELINE -> FlinkSystem.remote(broker, PARALLELISM, false);
            case REPORTED_PIPELINE -> FlinkSystem.pipelineWithPrometheus(broker, PARALLELISM, SCRAPE_INTERVAL);
            // bin/driftless-bench runs from the project's root folder, where the build put the cluster's jars
            case CLUSTER_PIPELINE -> ClusterSystem.start(broker, Path.of("").toAbsolutePath());
        };
        runningKind = kind;
        load.awaitServing(running, SERVING_TIMEOUT);
        int warmUsers = warmUpUsers(plan);
        Duration warmUp = started && !kind.startsItsOwnJvm() ? plan.warmUp()
                : plan.warmUp().multipliedBy(FIRST_WARM_UP_FACTOR);
        started = true;
        progress.step(String.format("warming up the %s: %d users x %d fps for %d s (not measured)",
                running.name(), warmUsers, plan.fps(), warmUp.toSeconds()));
        load.warmUp(running, warmUsers, plan.fps(), warmUp);
        return running;
    }

    /**
     * How many users warm a system up: the capacity search's first size (at most the reference
     * size), which even a small machine serves without building a backlog the first measured
     * run would inherit.
     */
    public static int warmUpUsers(BenchPlan plan) {
        return Math.min(plan.referenceUsers(), plan.searchStartUsers());
    }

    /** The plan's repeats of one load on one system, remembered under {@code label}. */
    public Point point(SystemKind kind, String label, int users, Duration duration) throws Exception {
        List<RunResult> runs = new ArrayList<>();
        for (int i = 1; i <= plan.repeats(); i++) {
            SystemUnderTest system = system(kind);
            progress.step(String.format("%s: %s, %d users x %d fps, run %d/%d", label, system.name(), users,
                    plan.fps(), i, plan.repeats()));
            runs.add(checked(load.measure(system, users, plan.fps(), duration)));
        }
        Point point = Point.of(label, runs);
        // the first point of a size stands for it: the latency profile's, when it ran
        measured.putIfAbsent(key(kind, users), point);
        progress.result(point);
        return point;
    }

    /** One run, for a search step. */
    public RunResult once(SystemKind kind, String label, int users, Duration duration) throws Exception {
        return once(kind, label, users, duration, SendMode.LANDMARKS);
    }

    /** One run of users sending {@code payload}, for a search step. */
    public RunResult once(SystemKind kind, String label, int users, Duration duration, SendMode payload)
            throws Exception {
        return once(kind, label, users, system -> load.measure(system, users, plan.fps(), duration, payload));
    }

    /** One run of landmark users whose heads move as {@code motion}, with the drift they saw. */
    public RunResult once(SystemKind kind, String label, int users, Duration duration, MotionProfile motion)
            throws Exception {
        return once(kind, label, users, system -> load.measure(system, users, plan.fps(), duration, motion));
    }

    /** How one measured run loads a system. */
    private interface Measurement {
        RunResult run(SystemUnderTest system) throws Exception;
    }

    private RunResult once(SystemKind kind, String label, int users, Measurement measurement) throws Exception {
        SystemUnderTest system = system(kind);
        progress.step(String.format("%s: %s, %d users x %d fps", label, system.name(), users, plan.fps()));
        RunResult run = checked(measurement.run(system));
        progress.result(Point.of(label, List.of(run)));
        return run;
    }

    /**
     * A run that is not measured, of users sending {@code payload}: warms up what the system's
     * general warm-up (landmarks) leaves cold, such as the JPEG path.
     */
    public void warmUp(SystemKind kind, int users, Duration duration, SendMode payload) throws Exception {
        SystemUnderTest system = system(kind);
        progress.step(String.format("warming up the %s with %s: %d users x %d fps for %d s (not measured)",
                system.name(), payload.name().toLowerCase(Locale.ROOT), users, plan.fps(), duration.toSeconds()));
        load.warmUp(system, users, plan.fps(), duration, payload);
    }

    /** One run of {@code users} with a flooder at {@code flooderFps} beside them. */
    public LoadRunner.FloodedRun flooded(SystemKind kind, String label, int users, int flooderFps, Duration duration)
            throws Exception {
        SystemUnderTest system = system(kind);
        progress.step(String.format("%s: %s, %d users x %d fps + 1 user x %d fps", label, system.name(), users,
                plan.fps(), flooderFps));
        LoadRunner.FloodedRun run = load.measure(system, users, plan.fps(), duration, flooderFps);
        checked(run.users());
        if (run.flooder() != null) {
            checked(run.flooder());
        }
        return run;
    }

    /**
     * Notes a run that left frames unanswered: the system is still working through them, so the
     * next point starts it afresh rather than measuring its backlog.
     */
    private RunResult checked(RunResult run) {
        if (run.unaccounted() > 0) {
            backlogged = true;
        }
        return run;
    }

    /** A point measured earlier by any scenario, for ratios. */
    public Point measured(SystemKind kind, int users) {
        return measured.get(key(kind, users));
    }

    public OptionalInt capacityUsers() {
        return capacity == null ? OptionalInt.empty() : OptionalInt.of(capacity.users());
    }

    /** What the capacity scenario found, if it ran. */
    public Optional<MeasuredCapacity> capacity() {
        return Optional.ofNullable(capacity);
    }

    public void capacity(MeasuredCapacity found) {
        this.capacity = found;
    }

    /**
     * Users at {@value #SHARE_OF_CAPACITY} of the measured capacity, where a cost shows in p99 and
     * the on-time ratio (beyond capacity both sides of a comparison miss most deadlines and the
     * difference drowns); empty when the capacity scenario has not found one.
     */
    public OptionalInt belowCapacityUsers() {
        return capacity == null || capacity.users() == 0 ? OptionalInt.empty()
                : OptionalInt.of((int) Math.max(1, Math.round(capacity.users() * SHARE_OF_CAPACITY)));
    }

    /**
     * Users at {@value #OVER_CAPACITY} times the measured capacity: an overload the system must
     * shed, not a collapse; empty when the capacity scenario has not found one.
     */
    public OptionalInt overCapacityUsers() {
        return capacity == null || capacity.users() == 0 ? OptionalInt.empty()
                : OptionalInt.of((int) Math.round(capacity.users() * OVER_CAPACITY));
    }

    private static String key(SystemKind kind, int users) {
        return kind + "@" + users;
    }

    /** Stops the running system, if any: for a scenario that starts systems of its own. */
    public void stopSystem() throws Exception {
        stopRunning();
    }

    private void stopRunning() throws Exception {
        if (running != null) {
            SystemUnderTest stopping = running;
            running = null;
            runningKind = null;
            stopping.close();
        }
    }

    @Override
    public void close() throws Exception {
        stopRunning();
    }
}
