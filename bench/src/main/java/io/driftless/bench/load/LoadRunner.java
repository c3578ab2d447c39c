package io.driftless.bench.load;

import io.driftless.bench.system.BenchBroker;
import io.driftless.bench.system.SystemUnderTest;
import io.driftless.source.MotionProfile;
import io.driftless.source.RunSummary;
import io.driftless.source.SyntheticConfig;
import io.driftless.source.SyntheticRun;
import io.driftless.source.accounting.AnswerReader;
import io.driftless.source.accounting.FrameLedger;
import io.driftless.source.accounting.SentLog;
import io.driftless.source.SendMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Offers synthetic users to a system under test with frame-source's load generator, in this
 * JVM (one clock for send and receive), and turns what it saw into a {@link RunResult}: the
 * client's books, the accounting of the answer topics, and the generator's CPU share. Users send
 * landmarks, or JPEG frames encoded before the run (outside its CPU measurement).
 */
public final class LoadRunner {

    /** How long to wait for answers still on their way after the last frame. */
    private static final Duration DRAIN = Duration.ofSeconds(5);
    /** After the drain, how long the accounting waits for answers missing from the topics. */
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final Duration CONNECT = Duration.ofSeconds(10);
    private static final int DEADLINE_MS = 33;

    /** The measured users and, in a skew run, the flooder beside them. */
    public record FloodedRun(RunResult users, RunResult flooder) {}

    private final BenchBroker broker;
    private final Path workDirectory;
    private int runs;

    public LoadRunner(BenchBroker broker, Path workDirectory) {
        this.broker = broker;
        this.workDirectory = workDirectory;
    }

    /**
     * Sends until one frame is answered, or fails after {@code timeout}: a job that is running
     * may not have its source positioned yet.
     */
    public void awaitServing(SystemUnderTest system, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (SyntheticRun run = run(system, 1, 10, Duration.ofSeconds(1), null, SendMode.LANDMARKS,
                    SyntheticConfig.DEFAULT_MOTION)) {
                RunSummary probe = run.run();
                if (probe.responses() + probe.droppedTotal() > 0) {
                    return;
                }
            }
        }
        throw new IllegalStateException(system.name() + " answered no frame within " + timeout.toSeconds()
                + " s: check its log above");
    }

    /** A run whose figures are thrown away: warms the system up (JIT, caches, connections). */
    public void warmUp(SystemUnderTest system, int users, int fps, Duration duration) {
        warmUp(system, users, fps, duration, SendMode.LANDMARKS);
    }

    /** A run whose figures are thrown away, of users sending {@code payload}. */
    public void warmUp(SystemUnderTest system, int users, int fps, Duration duration, SendMode payload) {
        try (SyntheticRun run = run(system, users, fps, duration, null, payload, SyntheticConfig.DEFAULT_MOTION)) {
            run.run();
        }
    }

    /** One measured run. */
    public RunResult measure(SystemUnderTest system, int users, int fps, Duration duration) throws Exception {
        return measure(system, users, fps, duration, SendMode.LANDMARKS);
    }

    /** One measured run of users sending {@code payload}. */
    public RunResult measure(SystemUnderTest system, int users, int fps, Duration duration, SendMode payload)
            throws Exception {
        return measure(system, users, fps, duration, 0, payload, SyntheticConfig.DEFAULT_MOTION).users();
    }

    /** One measured run of landmark users whose heads move as {@code motion}. */
    public RunResult measure(SystemUnderTest system, int users, int fps, Duration duration, MotionProfile motion)
            throws Exception {
        return measure(system, users, fps, duration, 0, SendMode.LANDMARKS, motion).users();
    }

    /**
     * One measured run with, when {@code flooderFps} is positive, one more user sending at that
     * rate beside the others, measured on its own.
     */
    public FloodedRun measure(SystemUnderTest system, int users, int fps, Duration duration, int flooderFps)
            throws Exception {
        return measure(system, users, fps, duration, flooderFps, SendMode.LANDMARKS, SyntheticConfig.DEFAULT_MOTION);
    }

    private FloodedRun measure(SystemUnderTest system, int users, int fps, Duration duration, int flooderFps,
            SendMode payload, MotionProfile motion) throws Exception {
        broker.truncateAnswers(system.topics());
        Path usersLog = sentLog();
        Path flooderLog = flooderFps > 0 ? sentLog() : null;
        // made (and JPEG frames encoded) before the generator's CPU is counted
        try (SyntheticRun usersRun = run(system, users, fps, duration, usersLog, payload, motion);
                SyntheticRun flooderRun = flooderFps > 0
                        ? run(system, 1, flooderFps, duration, flooderLog, payload, motion) : null;
                GeneratorCpu cpu = GeneratorCpu.open()) {
            cpu.countSender(Thread.currentThread());
            CompletableFuture<RunSummary> flooder = new CompletableFuture<>();
            if (flooderRun != null) {
                // named like the generator's other threads, so its CPU counts as the generator's
                Thread thread = new Thread(() -> {
                    try {
                        flooder.complete(flooderRun.run());
                    } catch (RuntimeException e) {
                        flooder.completeExceptionally(e);
                    }
                }, "driftless-source-flooder");
                thread.setDaemon(true);
                thread.start();
            } else {
                flooder.complete(null);
            }
            RunSummary measured = usersRun.run();
            RunSummary flood = join(flooder);
            GeneratorCpu.Share share = cpu.stop();
            double offered = (double) users * fps + Math.max(0, flooderFps);
            RunResult usersResult = result(system, measured, offered, account(system, usersLog, payload), share);
            RunResult flooderResult = flood == null ? null
                    : result(system, flood, offered, account(system, flooderLog, payload), share);
            return new FloodedRun(usersResult, flooderResult);
        } finally {
            Files.deleteIfExists(usersLog);
            if (flooderLog != null) {
                Files.deleteIfExists(flooderLog);
            }
        }
    }

    private SyntheticRun run(SystemUnderTest system, int users, int fps, Duration duration, Path sentLog,
            SendMode payload, MotionProfile motion) {
        SyntheticConfig config = SyntheticConfig.builder()
                .bootstrapServers(broker.bootstrapServers())
                .framesTopic(system.topics().frames())
                .coordinatesTopicPattern(system.topics().coordinates())
                .droppedTopic(system.topics().dropped())
                .users(users)
                .fps(fps)
                .deadlineMs(DEADLINE_MS)
                .duration(duration)
                .drainTimeout(DRAIN)
                .connectTimeout(CONNECT)
                .sentLog(sentLog)
                .sendMode(payload)
                .motion(motion)
                .annotatedTopicPattern(system.topics().annotated())
                .build();
        return new SyntheticRun(config);
    }

    private long account(SystemUnderTest system, Path sentLog, SendMode payload) {
        FrameLedger ledger = new FrameLedger();
        SentLog.readInto(sentLog, ledger);
        new AnswerReader(broker.bootstrapServers(), system.topics().coordinates(),
                payload == SendMode.JPEG ? system.topics().annotated() : null, system.topics().dropped(),
                Map.of(), CONNECT).readInto(ledger, SETTLE);
        return ledger.report().total().unaccounted();
    }

    private static RunResult result(SystemUnderTest system, RunSummary s, double offeredFps, long unaccounted,
            GeneratorCpu.Share cpu) {
        Map<String, Long> dropped = new LinkedHashMap<>();
        s.dropped().forEach((reason, n) -> {
            if (n > 0) {
                dropped.put(reason, n);
            }
        });
        double goodput = s.durationS() > 0 ? s.onTime() / s.durationS() : 0;
        return new RunResult(system.name(), s.users(), s.fps(), offeredFps, s.durationS(), s.sent(), s.responses(),
                dropped, s.unanswered(), unaccounted, s.lateResponses(), s.onTimeRatio(), goodput,
                s.rttMs().p50(), s.rttMs().p99(), s.rttMs().p999(), s.rttMs().max(),
                cpu.share(), cpu.wallS() > 0 ? cpu.generatorCpuS() / cpu.wallS() : Double.NaN,
                s.sent() > 0 ? cpu.processCpuS() * 1e6 / s.sent() : Double.NaN,
                s.sent() > 0 && cpu.contextSwitches() >= 0 ? (double) cpu.contextSwitches() / s.sent() : Double.NaN,
                s.rttDistribution(), s.drift(), s.stages());
    }

    private Path sentLog() throws IOException {
        Files.createDirectories(workDirectory);
        return workDirectory.resolve("sent-" + (++runs) + ".log");
    }

    private static RunSummary join(CompletableFuture<RunSummary> future) throws Exception {
        try {
            return future.get(10, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
