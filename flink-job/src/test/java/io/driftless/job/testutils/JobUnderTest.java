package io.driftless.job.testutils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftless.inference.MicroClock;
import io.driftless.inference.service.FrameInferenceFactory;
import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import io.driftless.job.DriftlessJob;
import io.driftless.job.JobConfig;
import io.driftless.job.inference.SharedInference;
import io.driftless.job.kafka.KafkaEndpoints;
import io.driftless.proto.Frame;
import io.driftless.proto.KeypointScheme;
import io.driftless.proto.Landmarks;
import io.driftless.proto.Point;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The job's topology running on the test's MiniCluster against a real broker; cancelled on close. */
public final class JobUnderTest implements AutoCloseable {

    /** The session of the frames {@link #awaitServing} sends. */
    public static final String PROBE_SESSION = "serving-probe";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(50);

    private final JobConfig config;
    private final JobClient client;
    private final String inferenceKey;

    private JobUnderTest(JobConfig config, JobClient client, String inferenceKey) {
        this.config = config;
        this.client = client;
        this.inferenceKey = inferenceKey;
    }

    /**
     * Submits the topology with the job's Flink defaults plus {@code flinkSettings}, and returns
     * once it is RUNNING.
     */
    public static JobUnderTest start(JobConfig config, FrameInferenceFactory inference,
            Map<String, String> flinkSettings) throws Exception {
        Configuration flink = new Configuration();
        flinkSettings.forEach(flink::setString);
        JobConfig.applyFlinkDefaults(flink);
        flink.setString("pipeline.generic-types", "false");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(2);
        MicroClock clock = MicroClock.system();
        DriftlessJob.topology(env, config, KafkaEndpoints.frames(config, clock), KafkaEndpoints.coordinates(config),
                KafkaEndpoints.annotated(config),
                KafkaEndpoints.dropped(config), inference, clock);
        JobUnderTest job = new JobUnderTest(config, env.executeAsync("driftless-it"), inference.key());
        await("the job running").atMost(START_TIMEOUT).pollInterval(POLL)
                .until(job::status, status -> status == JobStatus.RUNNING);
        return job;
    }

    public JobClient client() {
        return client;
    }

    public JobStatus status() throws Exception {
        return client.getJobStatus().get(10, TimeUnit.SECONDS);
    }

    /**
     * Returns once the job answers frames: RUNNING is not enough, since the source still has to
     * get its partitions, and frames waiting meanwhile would age.
     */
    public void awaitServing() throws Exception {
        Properties producerSettings = config.kafkaProperties();
        producerSettings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers);
        producerSettings.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerSettings,
                        new ByteArraySerializer(), new ByteArraySerializer());
                ResponseLog log = ResponseLog.withProbes(config)) {
            AtomicLong sequence = new AtomicLong();
            // each poll sends a fresh probe and reads answers for 200 ms; the consumer stays on this thread
            await("the job answering a probe frame").atMost(START_TIMEOUT).pollInSameThread()
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        producer.send(new ProducerRecord<>(config.framesTopic, key(PROBE_SESSION),
                                validFrame(PROBE_SESSION, sequence.incrementAndGet()).build().toByteArray())).get();
                        log.poll(Duration.ofMillis(200));
                        return log.answered() > 0;
                    });
        }
    }

    /** Cancels the job; its operators must have let go of its model by the time it is CANCELED. */
    @Override
    public void close() throws Exception {
        client.cancel().get(30, TimeUnit.SECONDS);
        await("the cancelled job reaching a terminal state").atMost(START_TIMEOUT).pollInterval(POLL)
                .until(this::status, JobStatus::isGloballyTerminalState);
        assertThat(SharedInference.perTaskManager().keys()).as("models the cancelled job still holds")
                .doesNotContain(inferenceKey);
    }

    public static byte[] key(String session) {
        return session.getBytes(StandardCharsets.UTF_8);
    }

    public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 0), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A well-formed frame of a face looking slightly left, captured now, with a generous budget. */
    public static Frame.Builder validFrame(String session, long sequence) {
        PinholeCamera camera = PinholeCamera.withHorizontalFov(640, 480, 60);
        float[] xy = FaceGeometry.projectKeypoints(new HeadPose(-10, 5, 0, 0.01, 0.0, 0.5), camera);
        Landmarks.Builder landmarks = Landmarks.newBuilder()
                .setScheme(KeypointScheme.BLAZEFACE_SIX)
                .setImageWidth(640)
                .setImageHeight(480)
                .setFocalLengthPx((float) camera.focalPx());
        for (int i = 0; i < 6; i++) {
            landmarks.addKeypoints(Point.newBuilder().setX(xy[2 * i]).setY(xy[2 * i + 1]));
        }
        long now = MicroClock.system().nowMicros();
        // functional checks: a budget no scheduling hiccup of a busy test machine can eat
        return Frame.newBuilder()
                .setSessionId(session)
                .setSequence(sequence)
                .setCaptureTimeUs(now - 2_000)
                .setSendTimeUs(now)
                .setDeadlineMs(1_000)
                .setLandmarks(landmarks);
    }
}
