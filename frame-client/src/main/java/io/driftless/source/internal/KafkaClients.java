package io.driftless.source.internal;

import io.driftless.source.FrameSourceException;
import io.driftless.source.KafkaLink;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The producer and consumer settings of a run, low latency first; user properties win. */
public final class KafkaClients {

    /** Lets a regex subscription see a new per-session topic within about a second. */
    private static final String PATTERN_METADATA_MAX_AGE_MS = "1000";
    /** Bounds how long an idle fetch parks on the broker, so stop and rebalances stay prompt. */
    private static final String FETCH_MAX_WAIT_MS = "100";

    private KafkaClients() {}

    public static Properties producer(KafkaLink config, String clientId) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        // Kafka 4 defaults linger.ms to 5 ms; every frame would wait that long for company.
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        // One replica's acknowledgement keeps the replication round trip off the frame's budget;
        // a frame lost in a leader failover shows up as unanswered, which the run reports.
        // Idempotence requires acks=all, so it is off rather than silently overridden.
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        // Bounds the first metadata fetch and a full buffer, so a dead cluster fails the run.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(config.connectTimeout().toMillis()));
        p.putAll(config.kafkaProperties());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /**
     * A producer for the link's frames topic, with the topic's metadata fetched already so the
     * first frame does not wait for it.
     *
     * @throws FrameSourceException when the producer cannot be created or the topic not reached
     */
    public static KafkaProducer<byte[], byte[]> openProducer(KafkaLink link, String clientId) {
        KafkaProducer<byte[], byte[]> producer;
        try {
            producer = new KafkaProducer<>(producer(link, clientId));
        } catch (KafkaException e) {
            throw new FrameSourceException("cannot create a Kafka producer for "
                    + link.bootstrapServers() + ": " + Failures.describe(e), e);
        }
        try {
            producer.partitionsFor(link.framesTopic());
            return producer;
        } catch (KafkaException e) {
            producer.close(Duration.ZERO);
            throw new FrameSourceException("cannot send to topic '" + link.framesTopic() + "' on "
                    + link.bootstrapServers() + ": " + Failures.describe(e), e);
        }
    }

    /**
     * The answer consumer: manually assigned when {@code groupId} is null, else a regex
     * subscription in a group of its own that starts new topics from their beginning.
     */
    public static Properties consumer(KafkaLink config, String clientId, String groupId) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // A missing topic is a setup error to report, not something to create with defaults.
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                Long.toString(config.connectTimeout().toMillis()));
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, PATTERN_METADATA_MAX_AGE_MS);
        }
        p.putAll(config.kafkaProperties());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }
}
