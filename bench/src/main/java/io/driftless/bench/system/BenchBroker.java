package io.driftless.bench.system;

import io.driftless.job.kafka.KafkaEndpoints;
import io.driftless.job.parse.InputLimits;
import io.driftless.kafka.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * The one Kafka broker of a benchmark, configured as the local system's (one network thread,
 * two I/O threads: it shares the cores with the job and the clients), with each system's topics.
 */
public final class BenchBroker implements AutoCloseable {

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final EmbeddedKafkaBroker broker;
    private final int partitions;
    private final Admin admin;
    /** How often each system's topics were made, so that a restarted system gets fresh ones. */
    private final Map<String, Integer> generations = new HashMap<>();

    private BenchBroker(EmbeddedKafkaBroker broker, int partitions) {
        this.broker = broker;
        this.partitions = partitions;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    /** Starts a broker on a free port. */
    public static BenchBroker start(int partitions) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
                .brokerPort(0)
                .defaultPartitions(partitions)
                .autoCreateTopics(false)
                .brokerProperty("num.network.threads", "1")
                .brokerProperty("num.io.threads", "2")
                .build();
        broker.start();
        try {
            return new BenchBroker(broker, partitions);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /**
     * Creates fresh topics for a system: {@code bench.<system>.frames} and so on the first time,
     * with a generation number after that, so that a restarted system finds no backlog of the
     * one before. Frames get the broker's append time and annotated frames room for the largest
     * frame the job admits, as in the local system (the job's main refuses a topic without it).
     */
    public Topics create(String system) {
        int generation = generations.merge(system, 1, Integer::sum);
        Topics topics = Topics.of(generation == 1 ? system : system + "-" + generation);
        broker.createTopic(topics.frames(), partitions, Map.of("message.timestamp.type", "LogAppendTime"));
        broker.createTopic(topics.coordinates(), partitions, Map.of());
        broker.createTopic(topics.annotated(), partitions, Map.of("max.message.bytes",
                Integer.toString(KafkaEndpoints.annotatedMaxBytes(InputLimits.DEFAULT_MAX_FRAME_BYTES))));
        broker.createTopic(topics.dropped(), partitions, Map.of());
        return topics;
    }

    /**
     * Deletes everything on the answer topics so far, so that the accounting after the next run
     * reads that run's answers and not every earlier one's.
     */
    public void truncateAnswers(Topics topics) throws Exception {
        Map<String, TopicDescription> described =
                admin.describeTopics(topics.answers()).allTopicNames().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        List<TopicPartition> all = new ArrayList<>();
        described.values().forEach(d -> d.partitions().forEach(p -> all.add(new TopicPartition(d.name(), p.partition()))));
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        all.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
        admin.listOffsets(latest).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((tp, info) -> delete.put(tp, RecordsToDelete.beforeOffset(info.offset())));
        admin.deleteRecords(delete).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        try {
            admin.close(Duration.ofSeconds(5));
        } finally {
            broker.close();
        }
    }
}
