package io.driftless.source.accounting;

import com.google.protobuf.InvalidProtocolBufferException;
import io.driftless.proto.AnnotatedFrame;
import io.driftless.proto.ArCoordinates;
import io.driftless.proto.DroppedFrame;
import io.driftless.source.FrameSourceException;
import io.driftless.source.KafkaLink;
import io.driftless.source.internal.Failures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a job's answer topics from their beginning into a {@link FrameLedger}: coordinates and
 * annotated frames count as responses (an image frame's pair of them as one), dropped frames as
 * drops with their reason.
 *
 * <p>It reads at least up to the topics' ends as of the start, then keeps reading until every
 * frame of the ledger is answered or the settle timeout has passed, for answers still on
 * their way. Answers of sessions the ledger does not know are counted and skipped.
 */
public final class AnswerReader {

    private static final Duration POLL = Duration.ofMillis(100);

    private final String bootstrapServers;
    private final String coordinatesTopicPattern;
    /** Null when the job answers no image frames this reader should count. */
    private final String annotatedTopicPattern;
    private final String droppedTopic;
    private final Map<String, String> kafkaProperties;
    private final Duration connectTimeout;
    private long malformed;

    /**
     * @param coordinatesTopicPattern one topic, or a pattern with {@code {session}} for a topic
     *     per session
     * @param kafkaProperties extra consumer properties (security settings and the like)
     */
    public AnswerReader(String bootstrapServers, String coordinatesTopicPattern, String droppedTopic,
            Map<String, String> kafkaProperties, Duration connectTimeout) {
        this(bootstrapServers, coordinatesTopicPattern, null, droppedTopic, kafkaProperties, connectTimeout);
    }

    /**
     * A reader of image frames' answers too: annotated frames count as responses, and an
     * annotated frame with the coordinates of the same frame as one response.
     *
     * @param annotatedTopicPattern one topic, or a pattern with {@code {session}}; null for none
     */
    public AnswerReader(String bootstrapServers, String coordinatesTopicPattern, String annotatedTopicPattern,
            String droppedTopic, Map<String, String> kafkaProperties, Duration connectTimeout) {
        this.bootstrapServers = bootstrapServers;
        this.coordinatesTopicPattern = coordinatesTopicPattern;
        this.annotatedTopicPattern = annotatedTopicPattern;
        this.droppedTopic = droppedTopic;
        this.kafkaProperties = Map.copyOf(kafkaProperties);
        this.connectTimeout = connectTimeout;
    }

    /** Answers that were not valid Protobuf, in the last {@link #readInto}. */
    public long malformed() {
        return malformed;
    }

    /**
     * Reads until the ledger is settled or {@code settleTimeout} after catching up.
     *
     * @throws FrameSourceException when Kafka cannot be reached, a shared topic is missing, or
     *     reading makes no progress for the connect timeout
     */
    public void readInto(FrameLedger ledger, Duration settleTimeout) {
        malformed = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties())) {
            List<TopicPartition> partitions = partitions(consumer, ledger);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, connectTimeout);
            long settleBy = System.nanoTime() + settleTimeout.toNanos();
            long lastProgress = System.nanoTime();
            while (true) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                long now = System.nanoTime();
                if (!records.isEmpty()) {
                    lastProgress = now;
                    records.forEach(record -> account(record, ledger));
                }
                boolean caughtUp = ends.entrySet().stream()
                        .allMatch(e -> consumer.position(e.getKey(), connectTimeout) >= e.getValue());
                if (caughtUp && (ledger.outstanding() == 0 || now - settleBy > 0)) {
                    return;
                }
                if (!caughtUp && now - lastProgress > connectTimeout.toNanos()) {
                    throw new FrameSourceException("reading the answers from " + bootstrapServers
                            + " made no progress for " + connectTimeout.toMillis()
                            + " ms before reaching the topics' ends: check the brokers");
                }
            }
        } catch (KafkaException e) {
            throw new FrameSourceException("reading answers from Kafka at " + bootstrapServers
                    + " failed: " + Failures.describe(e), e);
        }
    }

    private Properties properties() {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, "driftless-account");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(connectTimeout.toMillis()));
        p.putAll(kafkaProperties);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    /**
     * The partitions to read: the dropped topic and the shared coordinates topic must exist; of
     * per-session topics, those that exist (a session that was never answered has none).
     */
    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, FrameLedger ledger) {
        Map<String, List<PartitionInfo>> existing = consumer.listTopics(connectTimeout);
        Set<String> required = new LinkedHashSet<>(List.of(droppedTopic));
        Set<String> optional = new LinkedHashSet<>();
        for (String pattern : annotatedTopicPattern == null ? List.of(coordinatesTopicPattern)
                : List.of(coordinatesTopicPattern, annotatedTopicPattern)) {
            if (pattern.contains(KafkaLink.SESSION_PLACEHOLDER)) {
                ledger.sessionIds().forEach(session -> optional.add(
                        pattern.replace(KafkaLink.SESSION_PLACEHOLDER, session)));
            } else {
                required.add(pattern);
            }
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : required) {
            if (!existing.containsKey(topic)) {
                throw new FrameSourceException("topic '" + topic + "' does not exist on "
                        + bootstrapServers + ": check the topic names the job was started with");
            }
        }
        required.addAll(optional);
        for (String topic : required) {
            for (PartitionInfo info : existing.getOrDefault(topic, List.of())) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
        }
        return partitions;
    }

    private boolean isAnnotatedTopic(String topic) {
        if (annotatedTopicPattern == null) {
            return false;
        }
        int at = annotatedTopicPattern.indexOf(KafkaLink.SESSION_PLACEHOLDER);
        if (at < 0) {
            return topic.equals(annotatedTopicPattern);
        }
        String prefix = annotatedTopicPattern.substring(0, at);
        String suffix = annotatedTopicPattern.substring(at + KafkaLink.SESSION_PLACEHOLDER.length());
        return topic.length() > prefix.length() + suffix.length() && topic.startsWith(prefix) && topic.endsWith(suffix);
    }

    private void account(ConsumerRecord<byte[], byte[]> record, FrameLedger ledger) {
        try {
            if (record.value() == null) {
                malformed++;
            } else if (record.topic().equals(droppedTopic)) {
                DroppedFrame drop = DroppedFrame.parseFrom(record.value());
                ledger.dropped(drop.getSessionId(), drop.getSequence(), drop.getReason());
            } else if (isAnnotatedTopic(record.topic())) {
                AnnotatedFrame response = AnnotatedFrame.parseFrom(record.value());
                ledger.annotated(response.getSessionId(), response.getSequence());
            } else {
                ArCoordinates response = ArCoordinates.parseFrom(record.value());
                ledger.responded(response.getSessionId(), response.getSequence());
            }
        } catch (InvalidProtocolBufferException e) {
            malformed++;
        }
    }
}
