package io.driftless.inference.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.inference.MicroClock;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.InferenceOutcome;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.pose.PoseModelAdapter;
import io.driftless.inference.remote.InFlightLimitOptions.Algorithm;
import io.driftless.inference.testutils.Faces;
import io.driftless.inference.testutils.RunningServer;
import io.driftless.inference.testutils.SlowReads;
import io.driftless.proto.DropReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The remote client's in-flight limit against a real server on a local port whose call
 * handlers read each frame {@value #READ_MICROS} us late ({@link SlowReads}): about
 * {@value #READ_CAPACITY_FPS} frames a second over the client's two streams, offered
 * {@value #OFFERED_FPS}. Frames then wait in the transport before the server's admission ever
 * sees them, as they do when a real server's cores are short: the collapse the limit is for.
 *
 * <p>Budgets are {@value #BUDGET_MICROS} us, as in the server's overload test: on a two-core
 * machine shared with other builds a thread's wake-up alone can take tens of milliseconds.
 */
@Tag("performance") // its claims are ratios measured under load: the performance tier runs them on a quiet machine
class RemoteInferenceLimitTest {

    private static final long BUDGET_MICROS = 200_000;
    private static final long READ_MICROS = 5_000;
    private static final int READ_CAPACITY_FPS = 2 * (int) (1_000_000 / READ_MICROS);
    private static final int OFFERED_FPS = 1_000;
    private static final Duration OFFERED_FOR = Duration.ofSeconds(3);
    private static final Pattern LIMIT_REFUSAL = Pattern.compile("inference client refused the frame: \\d+ frames in"
            + " flight to the inference server, at its in-flight limit of \\d+ \\(learned from round trips: more"
            + " would wait past their deadlines in the server's queue\\)");
    private static final String REFUSED_AT_CLIENT = "refused at the client";
    private static final int WARM_UP_CALLS = 200;
    private static final int INITIAL_LIMIT = 40;
    /** Generous: on a machine busy with other builds, noisy round trips slow how a limit moves. */
    private static final Duration LIMIT_MOVES_WITHIN = Duration.ofSeconds(60);

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ExecutorService offering = Executors.newSingleThreadExecutor();
    private final List<FrameEnvelope> faces = Faces.frames(256, 13, BUDGET_MICROS);

    @AfterEach
    void closeAll() throws Exception {
        offering.shutdownNow();
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T resource) {
        toClose.add(resource);
        return resource;
    }

    /** A client whose call path is warm: a cold one's first round trips take longer than any budget here. */
    private RemoteInference client(RunningServer server, InFlightLimitOptions limit) {
        return closing((RemoteInference) RemoteInferenceFactory.builder(server.target(), PoseModelAdapter.MODEL_NAME)
                .warmUpCalls(WARM_UP_CALLS)
                .inFlightLimit(limit)
                .build()
                .create(MicroClock.system()));
    }

    @Test
    void refusesTheSurplusAtTheClientSoThatTheFramesItSendsMakeTheirDeadline() throws Exception {
        Map<String, Long> unlimited = run(InFlightLimitOptions.OFF);
        Map<String, Long> limited = run(InFlightLimitOptions.VEGAS);
        long sent = total(limited) - limited.getOrDefault(REFUSED_AT_CLIENT, 0L);
        System.out.printf("in-flight limit: offered %,d frames/s for %d s to a server that reads %,d: without"
                + " a limit %s; with it %s%n", OFFERED_FPS, OFFERED_FOR.toSeconds(), READ_CAPACITY_FPS,
                unlimited, limited);

        assertThat(unlimited).doesNotContainKey(REFUSED_AT_CLIENT);
        assertThat(limited.getOrDefault(REFUSED_AT_CLIENT, 0L)).as("refused at the client: %s", limited)
                .isGreaterThan(total(limited) / 10);
        assertThat(limited.getOrDefault("DEADLINE_EXCEEDED", 0L))
                .as("frames past their deadline with the limit (%s) against without it (%s)", limited, unlimited)
                .isLessThan(unlimited.getOrDefault("DEADLINE_EXCEEDED", 0L) / 4);
        assertThat(limited.getOrDefault("on time", 0L)).as("answered on time: %s", limited)
                .isGreaterThan(unlimited.getOrDefault("on time", 0L))
                .isGreaterThan(sent / 2);
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"VEGAS", "GRADIENT2"})
    void growsTheLimitBackOnceTheServerKeepsUpAgain(Algorithm algorithm) throws Exception {
        // a model that takes 20 ms a batch of up to 64: far more than offered, but frames in flight
        // are needed to keep it busy, so a limit too low shows as frames refused
        SlowReads reads = new SlowReads(0);
        RunningServer server = closing(RunningServer.slowed(20_000,
                RunnerOptions.builder().initialLatencyMicros(20_000).build(), reads));
        RemoteInference remote = client(server, new InFlightLimitOptions(algorithm, INITIAL_LIMIT, 2, 200));
        AtomicBoolean stop = new AtomicBoolean();
        Future<List<CompletableFuture<InferenceOutcome>>> offered = offering.submit(() -> offer(remote, stop));
        try {
            // the round trips of a server that keeps up
            awaitLimit(remote, "after a second of a server that keeps up", limit -> true, Duration.ofSeconds(1));
            reads.delay(2 * READ_MICROS);
            // by a third at least: Gradient2 settles where round trips are 1.5 times their average
            int low = awaitLimit(remote, "to fall to at most 26 while the server reads slowly", limit -> limit <= 26,
                    Duration.ZERO);
            reads.delay(0);
            // back to where it started at least: half as much again as the highest low allowed
            int recovered = awaitLimit(remote, "to grow back to its initial " + INITIAL_LIMIT + " from " + low
                    + " once the server keeps up", limit -> limit >= INITIAL_LIMIT, Duration.ZERO);
            System.out.printf("in-flight limit %s: %d at first, %d while the server read slowly, %d once it kept up%n",
                    algorithm, INITIAL_LIMIT, low, recovered);
        } finally {
            stop.set(true);
        }
        Map<String, Long> outcomes = outcomes(offered.get(60, TimeUnit.SECONDS));
        assertThat(outcomes.get("on time")).as("answered on time: %s", outcomes).isPositive();
        assertThat(remote.inFlight()).as("places still held once every frame is decided").isZero();
    }

    /** Offers the frames to a fresh server and client, and sorts what becomes of them. */
    private Map<String, Long> run(InFlightLimitOptions limit) throws Exception {
        try (RunningServer server = RunningServer.slowed(0, RunnerOptions.DEFAULTS, new SlowReads(READ_MICROS))) {
            RemoteInference remote = client(server, limit);
            AtomicBoolean stop = new AtomicBoolean();
            long end = System.nanoTime() + OFFERED_FOR.toNanos();
            Future<List<CompletableFuture<InferenceOutcome>>> offered = offering.submit(() -> offer(remote, stop));
            while (System.nanoTime() < end && !offered.isDone()) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            stop.set(true);
            List<CompletableFuture<InferenceOutcome>> frames = offered.get(60, TimeUnit.SECONDS);
            Map<String, Long> outcomes = outcomes(frames);
            assertThat(total(outcomes)).as("every frame offered is accounted for once: %s", outcomes)
                    .isEqualTo(frames.size());
            assertThat(remote.inFlight()).as("places still held once every frame is decided").isZero();
            remote.close();
            return outcomes;
        }
    }

    /** Offers {@value #OFFERED_FPS} frames a second until {@code stop}, whatever comes back. */
    private List<CompletableFuture<InferenceOutcome>> offer(RemoteInference remote, AtomicBoolean stop) {
        List<CompletableFuture<InferenceOutcome>> frames = new ArrayList<>();
        long intervalNanos = 1_000_000_000L / OFFERED_FPS;
        long next = System.nanoTime();
        for (int i = 0; !stop.get(); i++, next += intervalNanos) {
            LockSupport.parkNanos(next - System.nanoTime());
            frames.add(remote.infer(Faces.renewed(faces.get(i % faces.size()), BUDGET_MICROS)));
        }
        return frames;
    }

    /** Polls the limit until it satisfies {@code wanted} and at least {@code atLeast} has passed. */
    private static int awaitLimit(RemoteInference remote, String what, IntPredicate wanted, Duration atLeast) {
        long start = System.nanoTime();
        long deadline = start + Math.max(atLeast.toNanos(), LIMIT_MOVES_WITHIN.toNanos());
        int limit = remote.inFlightLimit();
        while (!wanted.test(limit) || System.nanoTime() - start < atLeast.toNanos()) {
            assertThat(System.nanoTime()).as("the in-flight limit %s within %d s; it is %s", what,
                            LIMIT_MOVES_WITHIN.toSeconds(), limit)
                    .isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            limit = remote.inFlightLimit();
        }
        return limit;
    }

    private static Map<String, Long> outcomes(List<CompletableFuture<InferenceOutcome>> frames) throws Exception {
        Map<String, Long> outcomes = new TreeMap<>();
        for (CompletableFuture<InferenceOutcome> frame : frames) {
            outcomes.merge(classify(frame.get(30, TimeUnit.SECONDS)), 1L, Long::sum);
        }
        return outcomes;
    }

    private static String classify(InferenceOutcome outcome) {
        if (outcome.succeeded()) {
            return outcome.inferenceEndUs <= outcome.frame.deadlineUs ? "on time" : "answered late";
        }
        if (outcome.dropReason == DropReason.OVERLOADED && outcome.detail.startsWith("inference client refused")) {
            assertThat(outcome.detail).matches(LIMIT_REFUSAL);
            return REFUSED_AT_CLIENT;
        }
        return outcome.dropReason.name();
    }

    private static long total(Map<String, Long> outcomes) {
        return outcomes.values().stream().mapToLong(Long::longValue).sum();
    }
}
