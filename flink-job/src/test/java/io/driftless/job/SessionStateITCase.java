package io.driftless.job;

import static io.driftless.job.testutils.JobUnderTest.key;
import static io.driftless.job.testutils.JobUnderTest.validFrame;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.job.testutils.JobUnderTest;
import io.driftless.job.testutils.ResponseLog;
import io.driftless.kafka.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Per-session state over many short sessions: created, cleaned up by timers, and bounded. */
class SessionStateITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
            .build());

    private static final int SESSIONS = 3_000;

    private static EmbeddedKafkaBroker kafka;
    private JobUnderTest job;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafkaBroker.builder().defaultPartitions(2).build();
        kafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @AfterEach
    void cancelJob() throws Exception {
        if (job != null) {
            job.close();
        }
    }

    private long sum(String metric) {
        return METRICS.findMetrics(job.client().getJobID(), ".*\\." + metric).values().stream()
                .filter(Gauge.class::isInstance)
                .mapToLong(m -> ((Number) ((Gauge<?>) m).getValue()).longValue())
                .sum();
    }

    /** The size of the first checkpoint completed after now. */
    private long nextCheckpointSize() throws InterruptedException {
        long after = sum("numberOfCompletedCheckpoints");
        await(() -> sum("numberOfCompletedCheckpoints") > after ? 1 : 0, 1, "a new checkpoint");
        return sum("lastCheckpointSize");
    }

    private static void await(LongSupplier value, long atLeast, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (value.getAsLong() < atLeast) {
            assertThat(System.nanoTime()).as("%s within 60 s", what).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    @Test
    void cleansUpTheStateOfSessionsThatWentSilentAndServesOneThatComesBack() throws Exception {
        Configuration settings = new Configuration();
        settings.set(DriftlessOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        settings.set(DriftlessOptions.FRAMES_TOPIC, "sessions-frames");
        settings.set(DriftlessOptions.COORDINATES_TOPIC_PATTERN, "sessions-coordinates");
        settings.set(DriftlessOptions.DROPPED_TOPIC, "sessions-dropped");
        settings.set(DriftlessOptions.GROUP_ID, "sessions-job");
        settings.set(DriftlessOptions.SESSION_IDLE_TIMEOUT, Duration.ofSeconds(3));
        JobConfig config = JobConfig.from(settings, Map.of());
        kafka.createTopic(config.framesTopic, 2, Map.of("message.timestamp.type", "LogAppendTime"));
        kafka.createTopic(config.coordinatesTopicPattern, 2);
        kafka.createTopic(config.droppedTopic, 2);
        job = JobUnderTest.start(config, DriftlessJob.poseInference(config),
                Map.of("execution.checkpointing.interval", "300 ms"));
        job.awaitServing();
        await(() -> sum("active_sessions") == 0 ? 1 : 0, 1, "the probe session to expire");
        long baseline = nextCheckpointSize();

        try (KafkaProducer<byte[], byte[]> producer = JobUnderTest.producer(kafka.bootstrapServers());
                ResponseLog log = new ResponseLog(kafka.bootstrapServers(), config.coordinatesTopicPattern,
                        config.droppedTopic)) {
            for (int session = 0; session < SESSIONS; session++) {
                String id = "short-" + session;
                for (long sequence = 1; sequence <= 2; sequence++) {
                    producer.send(new ProducerRecord<>(config.framesTopic, key(id), validFrame(id, sequence).build().toByteArray()));
                }
            }
            producer.flush();
            log.awaitUntil(l -> l.answered() >= 2 * SESSIONS, Duration.ofSeconds(60));
            long peakSessions = sum("active_sessions");
            long peak = nextCheckpointSize();

            await(() -> sum("active_sessions") == 0 ? 1 : 0, 1, "every silent session to expire");
            long cleaned = nextCheckpointSize();
            System.out.printf("checkpoint size: %d B before, %d B with %d sessions, %d B after they went silent%n",
                    baseline, peak, peakSessions, cleaned);

            assertThat(peakSessions).as("sessions held at the peak").isGreaterThan(SESSIONS / 2);
            assertThat(peak - baseline).as("state of %d sessions", SESSIONS).isGreaterThan(SESSIONS * 50L);
            assertThat(cleaned - baseline).as("state left after cleanup").isLessThan((peak - baseline) / 20);

            // a session that comes back after its state is gone is served like a new one
            producer.send(new ProducerRecord<>(config.framesTopic, key("short-7"), validFrame("short-7", 3).build().toByteArray()));
            producer.flush();
            log.awaitUntil(l -> l.responses.containsKey(ResponseLog.id("short-7", 3)), Duration.ofSeconds(30));
        }
    }
}
