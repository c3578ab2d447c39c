package io.driftless.job.kafka;

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
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the job's topics that do not exist yet, before the job starts: without its frames
 * topic the source would fail and restart in a loop. The frames topic gets broker append time,
 * so every response can say when its frame reached Kafka.
 */
public final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {}

    /** @return the topics it created */
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
            if (!annotated.perSession() && !existing.contains(config.annotatedTopicPattern)) {
                missing.add(topic(config, config.annotatedTopicPattern).configs(Map.of(
                        "max.message.bytes", Integer.toString(KafkaEndpoints.annotatedMaxBytes(config)))));
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

    private static NewTopic topic(JobConfig config, String name) {
        return new NewTopic(name, Optional.of(config.topicPartitions), Optional.empty());
    }
}
