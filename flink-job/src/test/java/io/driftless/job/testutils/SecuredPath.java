package io.driftless.job.testutils;

import io.driftless.job.DriftlessOptions;
import io.driftless.job.JobConfig;
import io.driftless.source.SyntheticConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;

/**
 * The whole path against a broker that wants its clients to prove who they are (TLS client
 * certificates, SASL logins): the job's settings, with its Kafka security settings as
 * {@code config.yaml} would carry them, and the camera users that send to it with their own.
 *
 * <pre>{@code
 * Map<String, String> flink = SecuredPath.inFlinkConfiguration(jobLogin);
 * JobConfig config = SecuredPath.jobConfig(kafka.bootstrapServers(), "sasl", flink);
 * JobUnderTest job = JobUnderTest.start(config, DriftlessJob.poseInference(config), flink);
 * try (SyntheticRun run = new SyntheticRun(SecuredPath.users(config, cameraLogin))) {
 *     RunSummary summary = run.run();
 * }
 * }</pre>
 */
public final class SecuredPath {

    private SecuredPath() {}

    /** Kafka client settings as the cluster's configuration carries them: {@code kafka.<property>} keys. */
    public static Map<String, String> inFlinkConfiguration(Map<String, String> kafkaSettings) {
        Map<String, String> prefixed = new LinkedHashMap<>();
        kafkaSettings.forEach((key, value) -> prefixed.put(DriftlessOptions.KAFKA_PREFIX + key, value));
        return prefixed;
    }

    /**
     * The job's settings for topics and a consumer group named after {@code name} (the topics do
     * not exist yet), with the Kafka settings found in {@code flinkSettings}.
     */
    public static JobConfig jobConfig(String bootstrapServers, String name, Map<String, String> flinkSettings) {
        Configuration settings = new Configuration();
        settings.set(DriftlessOptions.BOOTSTRAP_SERVERS, bootstrapServers);
        settings.set(DriftlessOptions.FRAMES_TOPIC, name + "-frames");
        settings.set(DriftlessOptions.COORDINATES_TOPIC_PATTERN, name + "-coordinates");
        settings.set(DriftlessOptions.ANNOTATED_TOPIC_PATTERN, name + "-annotated");
        settings.set(DriftlessOptions.DROPPED_TOPIC, name + "-dropped");
        settings.set(DriftlessOptions.GROUP_ID, name + "-job");
        return JobConfig.from(settings, JobConfig.kafkaPropertiesIn(Configuration.fromMap(flinkSettings)));
    }

    /**
     * Five camera users for three seconds against the job of {@code config}, with their own Kafka
     * security settings; a budget a busy test machine cannot miss, since these tests are about who
     * may talk, not about speed.
     */
    public static SyntheticConfig users(JobConfig config, Map<String, String> cameraKafkaSettings) {
        return SyntheticConfig.builder()
                .users(5)
                .fps(30)
                .duration(Duration.ofSeconds(3))
                .deadlineMs(1_000)
                .bootstrapServers(config.bootstrapServers)
                .framesTopic(config.framesTopic)
                .coordinatesTopicPattern(config.coordinatesTopicPattern)
                .droppedTopic(config.droppedTopic)
                .drainTimeout(Duration.ofSeconds(30))
                .connectTimeout(Duration.ofSeconds(5))
                .kafkaProperties(cameraKafkaSettings)
                .build();
    }
}
