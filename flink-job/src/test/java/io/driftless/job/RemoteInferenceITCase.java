package io.driftless.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftless.inference.MicroClock;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.server.InferenceServer;
import io.driftless.inference.server.ModelCatalog;
import io.driftless.inference.server.ServerMetrics;
import io.driftless.job.kafka.KafkaEndpoints;
import io.driftless.job.testutils.ResponseLog;
import io.driftless.kafka.EmbeddedKafkaBroker;
import io.driftless.proto.DropReason;
import io.driftless.source.RunSummary;
import io.driftless.source.SyntheticConfig;
import io.driftless.source.SyntheticRun;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job with its model on a real inference server on a local port: a real broker, the
 * MiniCluster, real clients, and the server killed and restarted while frames stream.
 */
class RemoteInferenceITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static EmbeddedKafkaBroker kafka;

    private String frames;
    private String coordinates;
    private String dropped;
    private JobClient job;
    private Server server;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafkaBroker.builder().defaultPartitions(2).build();
        kafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @BeforeEach
    void freshTopics() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        frames = "frames-" + run;
        coordinates = "coordinates-" + run;
        dropped = "dropped-" + run;
        kafka.createTopic(frames, 2, Map.of("message.timestamp.type", "LogAppendTime"));
        kafka.createTopic(coordinates, 2);
        kafka.createTopic(dropped, 2);
    }

    @AfterEach
    void stopAll() throws Exception {
        if (job != null) {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.kill();
        }
    }

    /** A real inference server serving the bundled pose model. */
    private static final class Server {
        final ServerMetrics metrics = new ServerMetrics();
        final InferenceServer grpc;

        Server(int port) throws Exception {
            grpc = new InferenceServer(Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create()),
                    ModelCatalog.bundled(RunnerOptions.DEFAULTS, MicroClock.system(), metrics), metrics, 2,
                    MicroClock.system());
            grpc.start();
        }

        double answeredOk() {
            double sum = 0;
            for (MetricSnapshot snapshot : metrics.registry().scrape()) {
                if (snapshot instanceof CounterSnapshot counter
                        && snapshot.getMetadata().getPrometheusName().equals("driftless_server_requests")) {
                    sum += counter.getDataPoints().stream()
                            .filter(p -> "ok".equals(p.getLabels().get("outcome")))
                            .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
                            .sum();
                }
            }
            return sum;
        }

        void kill() throws InterruptedException {
            grpc.stop(Duration.ZERO);
        }
    }

    private void startJob(JobConfig config) throws Exception {
        Configuration flink = new Configuration();
        JobConfig.applyFlinkDefaults(flink);
        flink.setString("pipeline.generic-types", "false");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(2);
        MicroClock clock = MicroClock.system();
        DriftlessJob.topology(env, config, KafkaEndpoints.frames(config, clock), KafkaEndpoints.coordinates(config),
                KafkaEndpoints.annotated(config),
                KafkaEndpoints.dropped(config), DriftlessJob.poseInference(config), clock);
        job = env.executeAsync("driftless-remote-it");
        await("the job running").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> job.getJobStatus().get(), status -> status == JobStatus.RUNNING);
    }

    private JobConfig remoteConfig(int port) {
        Configuration settings = new Configuration();
        settings.set(DriftlessOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        settings.set(DriftlessOptions.FRAMES_TOPIC, frames);
        settings.set(DriftlessOptions.COORDINATES_TOPIC_PATTERN, coordinates);
        settings.set(DriftlessOptions.DROPPED_TOPIC, dropped);
        settings.set(DriftlessOptions.GROUP_ID, "job-" + frames);
        settings.set(DriftlessOptions.INFERENCE_BACKEND, DriftlessOptions.InferenceBackend.REMOTE);
        settings.set(DriftlessOptions.INFERENCE_TARGET, "localhost:" + port);
        return JobConfig.from(settings, Map.of());
    }

    private SyntheticConfig users(int users, Duration duration) {
        return SyntheticConfig.builder()
                .users(users)
                .fps(30)
                .duration(duration)
                .bootstrapServers(kafka.bootstrapServers())
                .framesTopic(frames)
                .coordinatesTopicPattern(coordinates)
                .droppedTopic(dropped)
                .drainTimeout(Duration.ofSeconds(10))
                // a budget a busy test machine cannot miss: drops here come from the outage only
                .deadlineMs(1_000)
                .seed(20261121L)
                .build();
    }

    /**
     * Streams until the job answers on time: a cold JVM runs the gRPC path (protobuf, HTTP/2 on
     * both ends) interpreted for its first seconds, slow enough on a busy machine to time out.
     */
    private void warmUp() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        RunSummary warmUp;
        do {
            assertThat(System.nanoTime()).as("job answering on time within 120 s").isLessThan(deadline);
            try (SyntheticRun run = new SyntheticRun(users(10, Duration.ofSeconds(4)))) {
                warmUp = run.run();
            }
        } while (warmUp.responses() < warmUp.sent() * 8 / 10);
    }

    private static void awaitAtLeast(String what, java.util.function.DoubleSupplier value, double atLeast) {
        await(what + " reaching " + atLeast).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(value::getAsDouble, now -> now >= atLeast);
    }

    @Test
    void answersEveryFrameThroughTheServerWithAnAccuratePose() throws Exception {
        server = new Server(0);
        startJob(remoteConfig(server.grpc.port()));
        warmUp();

        RunSummary summary;
        try (SyntheticRun run = new SyntheticRun(users(10, Duration.ofSeconds(6)))) {
            summary = run.run();
        }
        System.out.println(summary.toTable());

        assertThat(summary.unanswered()).as("unanswered frames").isZero();
        assertThat(summary.responses() + summary.droppedTotal()).isEqualTo(summary.sent());
        assertThat(summary.dropped(DropReason.INFERENCE_FAILED)).isZero();
        assertThat(summary.lateResponses()).isZero();
        assertThat(summary.responses()).isGreaterThan(summary.sent() * 8 / 10);
        assertThat(summary.poseMaeDeg().yaw()).isLessThan(3.0);
        assertThat(summary.poseMaeDeg().pitch()).isLessThan(3.0);
        assertThat(summary.poseMaeDeg().roll()).isLessThan(3.0);
        assertThat(server.answeredOk()).isGreaterThanOrEqualTo(summary.responses());
    }

    @Test
    void keepsRunningThroughAServerOutageCountsTheGapAsDropsAndResumesByItself() throws Exception {
        server = new Server(0);
        int port = server.grpc.port();
        startJob(remoteConfig(port));
        warmUp();

        CompletableFuture<RunSummary> streaming;
        try (SyntheticRun run = new SyntheticRun(users(10, Duration.ofSeconds(14)))) {
            streaming = CompletableFuture.supplyAsync(run::run);
            Server first = server;
            awaitAtLeast("answers of the first server", first::answeredOk, first.answeredOk() + 300);

            first.kill();
            try (ResponseLog log = new ResponseLog(kafka.bootstrapServers(), coordinates, dropped)) {
                log.awaitUntil(l -> l.drops.values().stream()
                        .filter(d -> d.getReason() == DropReason.INFERENCE_FAILED).count() >= 50, Duration.ofSeconds(60));
            }
            server = new Server(port);
            Server restarted = server;
            awaitAtLeast("answers of the restarted server", restarted::answeredOk, 100);
            // the outage and the resumption are in the books: what is in flight drains, and
            // streaming on for the rest of the 14 s would prove nothing more
            run.stop();

            RunSummary summary = streaming.get(120, TimeUnit.SECONDS);
            System.out.println(summary.toTable());

            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            assertThat(summary.unanswered()).as("unanswered frames").isZero();
            assertThat(summary.responses() + summary.droppedTotal()).as("responses + drops").isEqualTo(summary.sent());
            assertThat(summary.dropped(DropReason.INFERENCE_FAILED)).as("frames lost to the outage").isGreaterThanOrEqualTo(50);
            assertThat(summary.dropped(DropReason.INVALID)).isZero();
            assertThat(summary.lateResponses()).as("responses emitted after their deadline").isZero();
            assertThat(summary.responses()).as("answered before the outage and after it").isGreaterThan(300);
            assertThat(summary.poseMaeDeg().yaw()).isLessThan(3.0);
        }
    }
}
