package io.driftless.job;

import static io.driftless.job.testutils.JobUnderTest.key;
import static io.driftless.job.testutils.JobUnderTest.validFrame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftless.inference.MicroClock;
import io.driftless.inference.service.FrameInferenceFactory;
import io.driftless.job.kafka.TopicSetup;
import io.driftless.job.testutils.DelayedInference;
import io.driftless.job.testutils.EndToEndCluster;
import io.driftless.job.testutils.JobUnderTest;
import io.driftless.job.testutils.ResponseLog;
import io.driftless.proto.DropReason;
import io.driftless.proto.DroppedFrame;
import io.driftless.proto.Frame;
import io.driftless.proto.Point;
import io.driftless.source.RunSummary;
import io.driftless.source.SyntheticConfig;
import io.driftless.source.SyntheticRun;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The job end to end: a real broker, the MiniCluster, the real pose model, real clients. */
class DriftlessJobITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final EndToEndCluster CLUSTER = EndToEndCluster.builder()
            .flinkConfiguration(METRICS.addToConfiguration(new Configuration()))
            .build();

    private String frames;
    private String coordinates;
    private String dropped;
    private JobUnderTest job;

    @BeforeEach
    void topics() {
        frames = CLUSTER.topics().frames();
        coordinates = CLUSTER.topics().coordinates();
        dropped = CLUSTER.topics().dropped();
    }

    private JobConfig config(Map<String, String> overrides) {
        return CLUSTER.config(overrides);
    }

    private void startJob(JobConfig config, FrameInferenceFactory inference) throws Exception {
        job = CLUSTER.startJob(config, inference, Map.of());
    }

    private void awaitServing() throws Exception {
        job.awaitServing();
    }

    private SyntheticConfig.Builder users(int users, Duration duration) {
        return SyntheticConfig.builder()
                .users(users)
                .fps(30)
                .duration(duration)
                .bootstrapServers(CLUSTER.bootstrapServers())
                .framesTopic(frames)
                .coordinatesTopicPattern(coordinates)
                .droppedTopic(dropped)
                .drainTimeout(Duration.ofSeconds(10))
                .seed(20261121L);
    }

    @Test
    void answersEveryFrameOfManyUsersWithAnAccuratePoseOrADropWithItsReason() throws Exception {
        JobConfig config = config(Map.of());
        startJob(config, DriftlessJob.poseInference(config));
        awaitServing();

        RunSummary summary;
        // a budget a busy test machine cannot miss: this checks content and accounting, not speed
        try (SyntheticRun run = new SyntheticRun(users(20, Duration.ofSeconds(8)).deadlineMs(1_000).build())) {
            summary = run.run();
        }
        System.out.println(summary.toTable());

        assertThat(summary.sent()).isGreaterThanOrEqualTo(20 * 30 * 7);
        assertThat(summary.unanswered()).as("unanswered frames").isZero();
        assertThat(summary.responses() + summary.droppedTotal()).isEqualTo(summary.sent());
        assertThat(summary.dropped(DropReason.INVALID)).isZero();
        assertThat(summary.dropped(DropReason.STALE)).isZero();
        assertThat(summary.lateResponses()).as("responses emitted after their deadline").isZero();
        assertThat(summary.responses()).isGreaterThan(summary.sent() * 9 / 10);
        assertThat(summary.poseMaeDeg().yaw()).isLessThan(3.0);
        assertThat(summary.poseMaeDeg().pitch()).isLessThan(3.0);
        assertThat(summary.poseMaeDeg().roll()).isLessThan(3.0);

        // the job's own account agrees: every response it emitted had slack left
        long emitted = 0;
        for (Metric metric : METRICS.findMetrics(job.client().getJobID(), ".*slack_micros").values()) {
            HistogramStatistics slack = ((Histogram) metric).getStatistics();
            assertThat(slack.getMin()).as("smallest slack").isGreaterThanOrEqualTo(0);
            emitted += ((Histogram) metric).getCount();
        }
        assertThat(emitted).as("responses in the slack histograms").isGreaterThanOrEqualTo(summary.responses());
        long counted = METRICS.findMetrics(job.client().getJobID(), ".*frames_rendered").values().stream()
                .mapToLong(m -> ((Counter) m).getCount()).sum();
        assertThat(counted).isEqualTo(emitted);

        // the frame counters balance, so rendered / (rendered + dropped) is the on-time ratio
        long in = sum(job.client(), ".*driftless\\.frames_in");
        long dropped = sum(job.client(), ".*driftless\\.reason\\..*\\.frames_dropped");
        assertThat(in).as("frames_in").isGreaterThanOrEqualTo(summary.sent());
        assertThat(counted + dropped).as("frames_rendered + frames_dropped").isEqualTo(in);
        for (String stage : List.of("admission_micros", "inference_wait_micros", "inference_micros")) {
            for (Metric metric : METRICS.findMetrics(job.client().getJobID(), ".*driftless\\." + stage).values()) {
                assertThat(((Histogram) metric).getStatistics().getMin()).as(stage).isGreaterThanOrEqualTo(0);
            }
        }
    }

    private static long sum(JobClient job, String counterPattern) {
        return METRICS.findMetrics(job.getJobID(), counterPattern).values().stream()
                .mapToLong(m -> ((Counter) m).getCount()).sum();
    }

    @ParameterizedTest(name = "delay announced to admission: {0}")
    @ValueSource(booleans = {true, false})
    void dropsEveryFrameWhenInferenceIsSlowerThanTheDeadlineAndRendersNone(boolean announced) throws Exception {
        JobConfig config = config(Map.of());
        startJob(config, new DelayedInference(DriftlessJob.poseInference(config), 60, announced));

        RunSummary summary;
        try (SyntheticRun run = new SyntheticRun(users(5, Duration.ofSeconds(3)).build())) {
            summary = run.run();
        }

        assertThat(summary.sent()).isGreaterThan(0);
        assertThat(summary.responses()).as("responses").isZero();
        assertThat(summary.unanswered()).isZero();
        long lateOnArrival = summary.dropped(DropReason.LATE_ON_ARRIVAL);
        long exceeded = summary.dropped(DropReason.DEADLINE_EXCEEDED);
        assertThat(lateOnArrival + exceeded).isEqualTo(summary.sent());
        if (announced) {
            assertThat(lateOnArrival).as("shed before inference").isEqualTo(summary.sent());
        } else {
            assertThat(exceeded).as("timed out in flight").isGreaterThan(summary.sent() / 2);
        }
    }

    @Test
    void rendersOnTimeFramesOfClientsWhoseClocksAreFiveSecondsOff() throws Exception {
        JobConfig config = config(Map.of());
        startJob(config, DriftlessJob.poseInference(config));
        awaitServing();

        RunSummary summary;
        try (SyntheticRun run = new SyntheticRun(users(10, Duration.ofSeconds(5))
                .maxClockSkew(Duration.ofSeconds(5))
                // far below the skew, so a clock taken at face value would drop every frame,
                // yet more than a loaded test machine needs
                .deadlineMs(1_000)
                .build())) {
            summary = run.run();
        }
        System.out.println(summary.toTable());

        assertThat(summary.unanswered()).isZero();
        assertThat(summary.dropped(DropReason.INVALID)).isZero();
        assertThat(summary.responses()).isGreaterThan(summary.sent() * 9 / 10);
        assertThat(summary.lateResponses()).isZero();
    }

    @Test
    void answersABacklogThatWaitedInKafkaAsLateOnArrivalNotAsFreshFrames() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (long sequence = 1; sequence <= 5; sequence++) {
                send(producer, "backlog-user", validFrame("backlog-user", sequence).setDeadlineMs(0).build());
            }
        }
        // the frames wait in Kafka while the job starts: far longer than their 33 ms
        JobConfig config = config(Map.of());
        startJob(config, DriftlessJob.poseInference(config));

        try (ResponseLog log = new ResponseLog(CLUSTER.bootstrapServers(), coordinates, dropped)) {
            log.awaitUntil(l -> l.drops.size() + l.responses.size() >= 5, Duration.ofSeconds(60));
            assertThat(log.responses).isEmpty();
            assertThat(log.drops.values()).extracting(DroppedFrame::getReason).containsOnly(DropReason.LATE_ON_ARRIVAL);
        }
    }

    @Test
    void dropsReorderedAndDuplicatedSequencesAsStale() throws Exception {
        startJob(config(Map.of()), DriftlessJob.poseInference(config(Map.of())));
        awaitServing();
        long[] sequences = {1, 2, 3, 2, 5, 4, 6};
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (long sequence : sequences) {
                send(producer, "stale-user", validFrame("stale-user", sequence).build());
            }
        }

        try (ResponseLog log = new ResponseLog(CLUSTER.bootstrapServers(), coordinates, dropped)) {
            log.awaitUntil(l -> l.answered() >= 7, Duration.ofSeconds(30));
            assertThat(log.responses.keySet()).containsExactlyInAnyOrder(
                    "stale-user/1", "stale-user/2", "stale-user/3", "stale-user/5", "stale-user/6");
            assertThat(log.drops.values()).extracting(DroppedFrame::getSequence, DroppedFrame::getReason)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple(2L, DropReason.STALE),
                            org.assertj.core.groups.Tuple.tuple(4L, DropReason.STALE));
        }
    }

    @Test
    void classifiesBadInputAsInvalidWithAClearDetailAndKeepsServing() throws Exception {
        startJob(config(Map.of()), DriftlessJob.poseInference(config(Map.of())));
        awaitServing();
        long now = nowMicros();
        Map<String, byte[]> bad = new LinkedHashMap<>();
        byte[] random = new byte[64];
        new Random(7).nextBytes(random);
        bad.put("bad-random", random);
        bad.put("bad-empty", new byte[0]);
        bad.put("bad-nosession", validFrame("", 1).build().toByteArray());
        bad.put("bad-fivepoints", change(validFrame("bad-fivepoints", 1), f -> {
            f.getLandmarksBuilder().removeKeypoints(5);
            return f;
        }));
        bad.put("bad-nan", change(validFrame("bad-nan", 1), f -> {
            f.getLandmarksBuilder().setKeypoints(1, Point.newBuilder().setX(Float.NaN).setY(3));
            return f;
        }));
        bad.put("bad-infinity", change(validFrame("bad-infinity", 1), f -> {
            f.getLandmarksBuilder().setKeypoints(1, Point.newBuilder().setX(3).setY(Float.NEGATIVE_INFINITY));
            return f;
        }));
        bad.put("bad-future", change(validFrame("bad-future", 1),
                f -> f.setCaptureTimeUs(now + 86_400_000_000L).setSendTimeUs(now + 86_400_001_000L)));
        bad.put("bad-past", change(validFrame("bad-past", 1),
                f -> f.setCaptureTimeUs(now - 86_400_000_000L).setSendTimeUs(now - 86_399_999_000L)));
        Map<String, String> expected = Map.of(
                "bad-random", "not a driftless.v1.Frame",
                "bad-empty", "empty record value",
                "bad-nosession", "missing session_id",
                "bad-fivepoints", "expected 6 keypoints for BLAZEFACE_SIX, got 5",
                "bad-nan", "keypoint 1 is not finite (NaN, 3.0)",
                "bad-infinity", "keypoint 1 is not finite (3.0, -Infinity)",
                "bad-future", "ahead of the job's",
                "bad-past", "behind the job's");

        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            bad.forEach((session, value) -> producer.send(new ProducerRecord<>(frames, key(session), value)));
            producer.flush();
            for (long sequence = 1; sequence <= 3; sequence++) {
                send(producer, "good-user", validFrame("good-user", sequence).build());
            }
        }

        try (ResponseLog log = new ResponseLog(CLUSTER.bootstrapServers(), coordinates, dropped)) {
            log.awaitUntil(l -> l.answered() >= bad.size() + 3, Duration.ofSeconds(30));
            expected.forEach((session, detail) -> {
                long sequence = session.equals("bad-random") || session.equals("bad-empty") ? 0 : 1;
                DroppedFrame drop = log.drops.get(ResponseLog.id(session, sequence));
                assertThat(drop).as("drop of %s", session).isNotNull();
                assertThat(drop.getReason()).isEqualTo(DropReason.INVALID);
                assertThat(drop.getDetail()).as("detail of %s", session).contains(detail);
            });
            assertThat(log.responses.keySet()).containsExactlyInAnyOrder("good-user/1", "good-user/2", "good-user/3");
        }
        assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
    }

    @Test
    void createsItsMissingTopicsWithBrokerAppendTimeOnFrames() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Configuration settings = new Configuration();
        settings.set(DriftlessOptions.BOOTSTRAP_SERVERS, CLUSTER.bootstrapServers());
        settings.set(DriftlessOptions.FRAMES_TOPIC, "new-frames-" + run);
        settings.set(DriftlessOptions.COORDINATES_TOPIC_PATTERN, "new-coordinates-" + run);
        settings.set(DriftlessOptions.ANNOTATED_TOPIC_PATTERN, "new-annotated-" + run);
        settings.set(DriftlessOptions.DROPPED_TOPIC, dropped);
        settings.set(DriftlessOptions.TOPIC_PARTITIONS, 3);
        JobConfig config = JobConfig.from(settings, Map.of());

        assertThat(TopicSetup.createMissing(config))
                .containsExactly("new-frames-" + run, "new-coordinates-" + run, "new-annotated-" + run);
        assertThat(TopicSetup.createMissing(config)).isEmpty();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", CLUSTER.bootstrapServers()))) {
            // an annotated frame is as large as the client's JPEG: the topic takes the largest accepted
            assertThat(topicConfig(admin, "new-annotated-" + run).get("max.message.bytes").value())
                    .isEqualTo(Integer.toString(2 * 1024 * 1024 + 64 * 1024));
            assertThat(topicConfig(admin, "new-frames-" + run).get("message.timestamp.type").value())
                    .isEqualTo("LogAppendTime");
            assertThat(admin.describeTopics(List.of("new-frames-" + run)).allTopicNames().get()
                    .get("new-frames-" + run).partitions()).hasSize(3);
        }
    }

    /**
     * The topic's configuration, once the broker that answers knows the topic: the controller
     * confirms a creation before every broker has applied it.
     */
    private static Config topicConfig(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return await("topic " + topic + " known to the broker").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptionsMatching(e -> e instanceof ExecutionException
                        && e.getCause() instanceof UnknownTopicOrPartitionException)
                .until(() -> admin.describeConfigs(List.of(resource)).all().get().get(resource), Objects::nonNull);
    }

    private static long nowMicros() {
        return MicroClock.system().nowMicros();
    }

    private static byte[] change(Frame.Builder frame, UnaryOperator<Frame.Builder> change) {
        return change.apply(frame).build().toByteArray();
    }

    private void send(KafkaProducer<byte[], byte[]> producer, String session, Frame frame) throws Exception {
        producer.send(new ProducerRecord<>(frames, key(session), frame.toByteArray())).get();
    }

    private KafkaProducer<byte[], byte[]> producer() {
        return JobUnderTest.producer(CLUSTER.bootstrapServers());
    }
}
