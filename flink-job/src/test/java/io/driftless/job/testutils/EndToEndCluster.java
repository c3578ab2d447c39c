package io.driftless.job.testutils;

import io.driftless.inference.service.FrameInferenceFactory;
import io.driftless.job.DriftlessOptions;
import io.driftless.job.JobConfig;
import io.driftless.kafka.EmbeddedKafkaBroker;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * What every end-to-end test of the job stands on: Flink's MiniCluster and a real Kafka broker
 * for the test class, fresh topics and a fresh consumer group for each test, and the test's job
 * cancelled after it.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EndToEndCluster CLUSTER = EndToEndCluster.builder().taskManagers(2).build();
 *
 * @Test
 * void servesFrames() throws Exception {
 *     JobConfig config = CLUSTER.config(Map.of("driftless.session.idle-timeout", "3 s"));
 *     JobUnderTest job = CLUSTER.startJob(config, DriftlessJob.poseInference(config), Map.of());
 *     job.awaitServing();
 *     // send to CLUSTER.topics().frames() on CLUSTER.bootstrapServers(), read the answers
 * }
 * }</pre>
 *
 * <p>It wraps {@link MiniClusterExtension}, so {@code @InjectMiniCluster} and {@code
 * @InjectClusterClient} parameters work as with that extension.
 */
public final class EndToEndCluster
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    /** The topics of one test; the job creates none of them, the fixture has. */
    public record Topics(String frames, String coordinates, String annotated, String dropped) {}

    private static final int PARTITIONS = 2;

    private final MiniClusterExtension flink;
    private EmbeddedKafkaBroker kafka;
    private String run;
    private Topics topics;
    private JobUnderTest job;

    private EndToEndCluster(MiniClusterExtension flink) {
        this.flink = flink;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The broker of the test class, to stop and start it; its address stays the same. */
    public EmbeddedKafkaBroker kafka() {
        return kafka;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** This test's topics, created before it ran (frames with broker append time). */
    public Topics topics() {
        if (topics == null) {
            throw new IllegalStateException("topics exist only while a test runs, not in @BeforeAll or @AfterAll");
        }
        return topics;
    }

    /** Job settings for this test's broker, its four topics, and a consumer group of its own. */
    public Configuration settings() {
        Topics current = topics();
        Configuration settings = new Configuration();
        settings.set(DriftlessOptions.BOOTSTRAP_SERVERS, bootstrapServers());
        settings.set(DriftlessOptions.FRAMES_TOPIC, current.frames());
        settings.set(DriftlessOptions.COORDINATES_TOPIC_PATTERN, current.coordinates());
        settings.set(DriftlessOptions.DROPPED_TOPIC, current.dropped());
        settings.set(DriftlessOptions.ANNOTATED_TOPIC_PATTERN, current.annotated());
        settings.set(DriftlessOptions.GROUP_ID, "job-" + run);
        return settings;
    }

    /** {@link #settings()} with {@code overrides} (full {@code driftless.*} keys), validated. */
    public JobConfig config(Map<String, String> overrides) {
        Configuration settings = settings();
        overrides.forEach(settings::setString);
        return JobConfig.from(settings, Map.of());
    }

    /** {@link #settings()} as a validated configuration. */
    public JobConfig config() {
        return config(Map.of());
    }

    /**
     * Starts the job on the MiniCluster (see {@link JobUnderTest#start}); it is cancelled after the
     * test, or by {@link #cancelJob()}. One job per test.
     */
    public JobUnderTest startJob(JobConfig config, FrameInferenceFactory inference, Map<String, String> flinkSettings)
            throws Exception {
        if (job != null) {
            throw new IllegalStateException("this test already started a job; one job per test");
        }
        job = JobUnderTest.start(config, inference, flinkSettings);
        return job;
    }

    /** Cancels the test's job now, if it started one; otherwise that happens after the test. */
    public void cancelJob() throws Exception {
        if (job != null) {
            JobUnderTest started = job;
            job = null;
            started.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        flink.beforeAll(context);
        kafka = EmbeddedKafkaBroker.builder().defaultPartitions(PARTITIONS).build();
        kafka.start();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        flink.beforeEach(context);
        run = UUID.randomUUID().toString().substring(0, 8);
        Topics fresh = new Topics("frames-" + run, "coordinates-" + run, "annotated-" + run, "dropped-" + run);
        kafka.createTopic(fresh.frames(), PARTITIONS, Map.of("message.timestamp.type", "LogAppendTime"));
        kafka.createTopic(fresh.coordinates(), PARTITIONS);
        kafka.createTopic(fresh.annotated(), PARTITIONS);
        kafka.createTopic(fresh.dropped(), PARTITIONS);
        topics = fresh;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            cancelJob();
        } finally {
            job = null;
            topics = null;
            flink.afterEach(context);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (kafka != null) {
                kafka.close();
            }
        } finally {
            kafka = null;
            flink.afterAll(context);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return flink.supportsParameter(parameter, context);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return flink.resolveParameter(parameter, context);
    }

    /** The MiniCluster's shape; the broker is always one node with two partitions per topic. */
    public static final class Builder {
        private int taskManagers = 1;
        private int slotsPerTaskManager = 2;
        private Configuration configuration = new Configuration();

        private Builder() {}

        public Builder taskManagers(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("taskManagers must be at least 1, got " + count);
            }
            this.taskManagers = count;
            return this;
        }

        public Builder slotsPerTaskManager(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("slotsPerTaskManager must be at least 1, got " + count);
            }
            this.slotsPerTaskManager = count;
            return this;
        }

        /** The cluster's Flink configuration, e.g. with an {@code InMemoryReporter} added. */
        public Builder flinkConfiguration(Configuration configuration) {
            this.configuration = Objects.requireNonNull(configuration, "flinkConfiguration");
            return this;
        }

        public EndToEndCluster build() {
            return new EndToEndCluster(new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(taskManagers)
                    .setNumberSlotsPerTaskManager(slotsPerTaskManager)
                    .setConfiguration(configuration)
                    .build()));
        }
    }
}
