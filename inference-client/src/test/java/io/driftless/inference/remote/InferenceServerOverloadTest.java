package io.driftless.inference.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.inference.MicroClock;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.FrameInference;
import io.driftless.inference.service.InferenceOutcome;
import io.driftless.inference.server.InferenceServer;
import io.driftless.inference.server.ServerMetrics;
import io.driftless.inference.server.SlowedPoseModel;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.pose.PoseModelAdapter;
import io.driftless.inference.testutils.Faces;
import io.driftless.proto.DropReason;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
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
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An overloaded server sheds load: offered twice what its model can answer by concurrent
 * clients over a real local port, it refuses what it cannot finish in time, and the frames it
 * accepts make their deadline.
 *
 * <p>The model is slowed down on purpose to {@value #BATCH_MICROS} us a batch of at most
 * {@value #MAX_BATCH}, so the model, not the gRPC transport or the test machine, is what runs
 * out: {@value #CAPACITY_FPS} frames a second.
 *
 * <p>Budgets are {@value #BUDGET_MICROS} us rather than the product's 33 ms: on a two-core test
 * machine shared with other builds, a thread's wake-up alone can take tens of milliseconds
 * (a 5 ms pause was seen to take 56 ms at the 95th percentile), and a 33 ms budget would test
 * the machine's scheduler rather than the server's admission.
 */
@Tag("performance") // its claims are ratios measured under load: the performance tier runs them on a quiet machine
class InferenceServerOverloadTest {

    private static final long BATCH_MICROS = 20_000;
    private static final int MAX_BATCH = 4;
    private static final int CAPACITY_FPS = (int) (MAX_BATCH * 1_000_000 / BATCH_MICROS);
    private static final int CLIENTS = 4;
    private static final long BUDGET_MICROS = 200_000;
    private static final Duration OFFERED_FOR = Duration.ofSeconds(5);
    /**
     * The share of the frames the server ran whose model call ended by their deadline (server
     * clock). Measured at the server: on this machine a client's thread can stall for longer
     * than a budget, which says nothing about the server's admission.
     */
    private static final double ON_TIME_BAR = 0.99;

    private final ServerMetrics metrics = new ServerMetrics();
    private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    private InferenceServer server;

    @BeforeEach
    void startServer() throws Exception {
        MicroClock clock = MicroClock.system();
        RunnerOptions options = RunnerOptions.builder()
                .maxBatchSize(MAX_BATCH)
                .queueCapacity(256)
                .initialLatencyMicros(BATCH_MICROS)
                .build();
        server = new InferenceServer(Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()),
                SlowedPoseModel.catalog(BATCH_MICROS, options, clock, metrics), metrics, 2, clock).start();
    }

    @AfterEach
    void stopServer() throws Exception {
        clients.shutdownNow();
        server.stop(Duration.ofSeconds(5));
    }

    @Test
    void refusesWhatItCannotFinishInTimeAndFinishesWhatItAcceptsWithinTheDeadline() throws Exception {
        List<FrameEnvelope> frames = Faces.frames(512, 7, BUDGET_MICROS);
        RemoteInferenceFactory factory = RemoteInferenceFactory.builder("localhost:" + server.port(), PoseModelAdapter.MODEL_NAME)
                .warmUpCalls(200)
                .build();
        List<FrameInference> connections = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                connections.add(factory.create(MicroClock.system()));
            }
            List<Future<List<CompletableFuture<InferenceOutcome>>>> offered = new ArrayList<>();
            for (FrameInference client : connections) {
                offered.add(clients.submit(() -> offer(client, frames, 2.0 * CAPACITY_FPS / CLIENTS)));
            }
            Map<String, Long> outcomes = new TreeMap<>();
            for (Future<List<CompletableFuture<InferenceOutcome>>> calls : offered) {
                for (CompletableFuture<InferenceOutcome> call : calls.get(OFFERED_FOR.toSeconds() + 30, TimeUnit.SECONDS)) {
                    outcomes.merge(classify(call.get(30, TimeUnit.SECONDS)), 1L, Long::sum);
                }
            }
            long refused = outcomes.getOrDefault("refused: overloaded", 0L)
                    + outcomes.getOrDefault("refused: cannot make it", 0L);
            long total = outcomes.values().stream().mapToLong(Long::longValue).sum();
            long onTime = outcomes.getOrDefault("on time", 0L);
            // the server's own books: what it ran, and what of that ended after its deadline
            long ran = (long) counter("driftless_server_requests", "ok");
            long late = (long) counter("driftless_server_late_answers", null);
            System.out.printf("overload: offered %,d frames at 2x a capacity of %,d frames/s: %s; the server ran"
                    + " %,d, %,d of them past their deadline (%.2f%% on time); clients saw %.2f%% of the %,d not"
                    + " refused on time%n", total, CAPACITY_FPS, outcomes, ran, late, 100.0 * (ran - late) / ran,
                    100.0 * onTime / (total - refused), total - refused);

            assertThat(total).as("frames offered").isGreaterThan((long) (2 * CAPACITY_FPS * OFFERED_FOR.toSeconds() * 0.8));
            assertThat(outcomes.getOrDefault("refused: overloaded", 0L)).as("refusals with RESOURCE_EXHAUSTED")
                    .isGreaterThan(total / 10);
            assertThat(ran).as("frames the server ran").isGreaterThan(total / 4);
            assertThat((double) (ran - late) / ran).as("share of the frames the server ran that ended by their"
                    + " deadline: %s", outcomes).isGreaterThanOrEqualTo(ON_TIME_BAR);
        } finally {
            for (FrameInference client : connections) {
                client.close();
            }
        }
    }

    /** The sum of a counter of the server's over its data points, those with {@code outcome} if given. */
    private double counter(String name, String outcome) {
        double sum = 0;
        for (MetricSnapshot snapshot : metrics.registry().scrape()) {
            if (snapshot instanceof CounterSnapshot counter && snapshot.getMetadata().getPrometheusName()
                    .equals(name)) {
                for (CounterSnapshot.CounterDataPointSnapshot point : counter.getDataPoints()) {
                    if (outcome == null || outcome.equals(point.getLabels().get("outcome"))) {
                        sum += point.getValue();
                    }
                }
            }
        }
        return sum;
    }

    /** Offers {@code fps} frames a second for {@link #OFFERED_FOR}, whatever comes back. */
    private static List<CompletableFuture<InferenceOutcome>> offer(FrameInference client, List<FrameEnvelope> frames,
            double fps) {
        List<CompletableFuture<InferenceOutcome>> calls = new ArrayList<>();
        long intervalNanos = (long) (1e9 / fps);
        long start = System.nanoTime();
        long next = start;
        for (int i = 0; next - start < OFFERED_FOR.toNanos(); i++, next += intervalNanos) {
            LockSupport.parkNanos(next - System.nanoTime());
            calls.add(client.infer(Faces.renewed(frames.get(i % frames.size()), BUDGET_MICROS)));
        }
        return calls;
    }

    private static String classify(InferenceOutcome outcome) {
        if (outcome.succeeded()) {
            return outcome.inferenceEndUs <= outcome.frame.deadlineUs ? "on time" : "answered late";
        }
        if (outcome.dropReason == DropReason.OVERLOADED) {
            return "refused: overloaded";
        }
        if (outcome.dropReason == DropReason.LATE_ON_ARRIVAL && outcome.detail.contains("cannot finish in time")) {
            return "refused: cannot make it";
        }
        return "accepted, then " + outcome.dropReason;
    }
}
