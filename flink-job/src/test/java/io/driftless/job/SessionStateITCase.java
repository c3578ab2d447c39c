package io.driftless.job;

import static io.driftless.job.testutils.JobUnderTest.key;
import static io.driftless.job.testutils.JobUnderTest.validFrame;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.job.testutils.EndToEndCluster;
import io.driftless.job.testutils.JobUnderTest;
import io.driftless.job.testutils.ResponseLog;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Per-session state over many short sessions: created, cleaned up by timers, and bounded. */
class SessionStateITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final EndToEndCluster CLUSTER = EndToEndCluster.builder()
            .flinkConfiguration(METRICS.addToConfiguration(new Configuration()))
            .build();

    private static final int SESSIONS = 3_000;

    private JobUnderTest job;

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

    private static void await(LongSupplier value, long atLeast, String what) {
        Awaitility.await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(value::getAsLong, now -> now >= atLeast);
    }

    @Test
    void cleansUpTheStateOfSessionsThatWentSilentAndServesOneThatComesBack() throws Exception {
        Configuration settings = CLUSTER.settings();
        settings.set(DriftlessOptions.SESSION_IDLE_TIMEOUT, Duration.ofSeconds(6));
        JobConfig config = JobConfig.from(settings, Map.of());
        job = CLUSTER.startJob(config, DriftlessJob.poseInference(config),
                Map.of("execution.checkpointing.interval", "300 ms"));
        job.awaitServing();
        await(() -> sum("active_sessions") == 0 ? 1 : 0, 1, "the probe session to expire");
        long baseline = nextCheckpointSize();

        // peaks are sampled while the sessions live: on a loaded machine the first sessions may expire
        // before the last frames are answered, so the state after the answers is not its peak
        AtomicLong peakSessions = new AtomicLong();
        AtomicLong peak = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (KafkaProducer<byte[], byte[]> producer = JobUnderTest.producer(CLUSTER.bootstrapServers());
                ResponseLog log = new ResponseLog(CLUSTER.bootstrapServers(), config.coordinatesTopicPattern,
                        config.droppedTopic)) {
            sampler.scheduleAtFixedRate(() -> {
                peakSessions.accumulateAndGet(sum("active_sessions"), Math::max);
                peak.accumulateAndGet(sum("lastCheckpointSize"), Math::max);
            }, 0, 20, TimeUnit.MILLISECONDS);
            for (int session = 0; session < SESSIONS; session++) {
                String id = "short-" + session;
                for (long sequence = 1; sequence <= 2; sequence++) {
                    producer.send(new ProducerRecord<>(config.framesTopic, key(id), validFrame(id, sequence).build().toByteArray()));
                }
            }
            producer.flush();
            log.awaitUntil(l -> l.answered() >= 2 * SESSIONS, Duration.ofSeconds(60));

            await(() -> sum("active_sessions") == 0 ? 1 : 0, 1, "every silent session to expire");
            sampler.shutdown();
            assertThat(sampler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            long cleaned = nextCheckpointSize();
            System.out.printf("checkpoint size: %d B before, %d B at the peak of %d sessions, %d B after they went silent%n",
                    baseline, peak.get(), peakSessions.get(), cleaned);

            assertThat(peakSessions.get()).as("sessions held at the peak").isGreaterThan(SESSIONS / 2);
            assertThat(peak.get() - baseline).as("state of %d sessions", SESSIONS).isGreaterThan(SESSIONS * 50L);
            assertThat(cleaned - baseline).as("state left after cleanup").isLessThan((peak.get() - baseline) / 20);

            // a session that comes back after its state is gone is served like a new one
            producer.send(new ProducerRecord<>(config.framesTopic, key("short-7"), validFrame("short-7", 3).build().toByteArray()));
            producer.flush();
            log.awaitUntil(l -> l.responses.containsKey(ResponseLog.id("short-7", 3)), Duration.ofSeconds(30));
        } finally {
            sampler.shutdownNow();
        }
    }
}
