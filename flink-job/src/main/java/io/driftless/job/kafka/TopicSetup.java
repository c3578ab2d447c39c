package io.driftless.job.kafka;

import io.driftless.job.DriftlessOptions;
import io.driftless.job.JobConfig;
import io.driftless.job.ResponseTopicPattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the job's topics that do not exist yet, before the job starts: without its frames
 * topic the source would fail and restart in a loop. The frames topic gets broker append time,
 * so every response can say when its frame reached Kafka. An annotated topic made beforehand must
 * take the largest annotated frame the job may write: a record it refuses would fail the sink and
 * make the job restart on it forever.
 */
public final class TopicSetup {

    private static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {}

    /**
     * @return the topics it created
     * @throws IllegalStateException when the existing annotated topic takes smaller records than the
     *     job may write
     */
    public static List<String> createMissing(JobConfig config) throws Exception {
        Properties props = config.kafkaProperties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            if (!existing.contains(config.framesTopic)) {
                missing.add(topic(config, config.framesTopic).configs(Map.of("message.timestamp.type", "LogAppendTime")));
            }
            ResponseTopicPattern coordinates = new ResponseTopicPattern(config.coordinatesTopicPattern);
            // per-session topics appear with their sessions, which needs the broker's auto-creation
            if (!coordinates.perSession() && !existing.contains(config.coordinatesTopicPattern)) {
                missing.add(topic(config, config.coordinatesTopicPattern));
            }
            ResponseTopicPattern annotated = new ResponseTopicPattern(config.annotatedTopicPattern);
            if (!annotated.perSession()) {
                if (existing.contains(config.annotatedTopicPattern)) {
                    checkRecordLimit(admin, config);
                } else {
                    missing.add(topic(config, config.annotatedTopicPattern).configs(Map.of(
                            MAX_MESSAGE_BYTES, Integer.toString(KafkaEndpoints.annotatedMaxBytes(config)))));
                }
            }
            if (!existing.contains(config.droppedTopic)) {
                missing.add(topic(config, config.droppedTopic));
            }
            List<String> created = new ArrayList<>();
            for (NewTopic topic : missing) {
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                    created.add(topic.name());
                    LOG.info("created topic {} with {} partitions", topic.name(), config.topicPartitions);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            return created;
        }
    }

    private static void checkRecordLimit(Admin admin, JobConfig config) throws Exception {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, config.annotatedTopicPattern);
        Config described = admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic);
        ConfigEntry limit = described.get(MAX_MESSAGE_BYTES);
        int needed = KafkaEndpoints.annotatedMaxBytes(config);
        if (limit != null && Long.parseLong(limit.value()) < needed) {
            throw new IllegalStateException("topic '" + config.annotatedTopicPattern + "' takes records of at most "
                    + limit.value() + " bytes, but an annotated frame may need " + needed + " bytes (the frame cap "
                    + DriftlessOptions.MAX_FRAME_SIZE.key() + " plus room for its annotations): raise the topic's "
                    + MAX_MESSAGE_BYTES + " to " + needed + " or more, or lower " + DriftlessOptions.MAX_FRAME_SIZE.key());
        }
    }

    private static NewTopic topic(JobConfig config, String name) {
        return new NewTopic(name, Optional.of(config.topicPartitions), Optional.empty());
    }
}
