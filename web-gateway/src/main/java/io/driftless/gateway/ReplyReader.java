package io.driftless.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import io.driftless.log.ThrottledLog;
import io.driftless.proto.AnnotatedFrame;
import io.driftless.proto.ArCoordinates;
import io.driftless.proto.DroppedFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads this instance's reply topics, and only those: the job writes there the answers to the
 * frames this instance sent (their {@code reply_to}), so no instance reads another's users'
 * answers. Each answer goes to its session's hub, when a socket of it is still here.
 */
final class ReplyReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyReader.class);

    /** Suffixes the job appends to reply_to, one topic per kind of answer. */
    static final String COORDINATES_SUFFIX = ".ar-coordinates";
    static final String ANNOTATED_SUFFIX = ".annotated";
    static final String DROPPED_SUFFIX = ".dropped";

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final SessionRegistry sessions;
    private final LongSupplier nanoTime;
    private final String coordinates;
    private final String annotated;
    private final String dropped;
    private final Thread thread;
    private final ThrottledLog badRecords = new ThrottledLog(LOG, 10_000);
    private volatile boolean running = true;

    ReplyReader(GatewayConfig config, SessionRegistry sessions, LongSupplier nanoTime) {
        this.sessions = sessions;
        this.nanoTime = nanoTime;
        this.coordinates = config.replyTo() + COORDINATES_SUFFIX;
        this.annotated = config.replyTo() + ANNOTATED_SUFFIX;
        this.dropped = config.replyTo() + DROPPED_SUFFIX;
        createTopics(config, List.of(coordinates, annotated, dropped));
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, annotatedMaxBytes(config),
                ConsumerConfig.CLIENT_ID_CONFIG, "driftless-web-gateway-" + config.instanceId),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(coordinates, annotated, dropped)) {
            for (int p = 0; p < config.replyTopicPartitions; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
        }
        // no group: this instance alone reads these topics, and answers from before it started are no one's
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        this.thread = new Thread(this::run, WebGateway.threadName(config, "replies"));
    }

    /** An annotated record is as large as the largest frame plus room for detections. */
    private static int annotatedMaxBytes(GatewayConfig config) {
        return Math.max(1 << 20, config.maxMessageBytes + (64 << 10)) + (64 << 10);
    }

    private static void createTopics(GatewayConfig config, List<String> topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers))) {
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : topics) {
                missing.add(new NewTopic(topic, config.replyTopicPartitions, (short) -1).configs(Map.of(
                        "max.message.bytes", Integer.toString(annotatedMaxBytes(config)),
                        // answers matter for a second; a day bounds what an idle instance leaves behind
                        "retention.ms", Long.toString(Duration.ofDays(1).toMillis()))));
            }
            for (var result : admin.createTopics(missing).values().entrySet()) {
                try {
                    result.getValue().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create reply topic " + result.getKey() + ": "
                                + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the reply topics", e);
        }
    }

    ReplyReader start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    dispatch(record);
                }
            }
        } catch (WakeupException e) {
            // close() woke the poll up
        } finally {
            consumer.close(Duration.ZERO);
        }
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        SessionHub hub = sessions.find(new String(record.key(), StandardCharsets.UTF_8));
        if (hub == null) {
            return;
        }
        long now = nanoTime.getAsLong();
        try {
            if (record.topic().equals(coordinates)) {
                hub.onCoordinates(ArCoordinates.parseFrom(record.value()), now);
            } else if (record.topic().equals(annotated)) {
                hub.onAnnotated(AnnotatedFrame.parseFrom(record.value()), now);
            } else if (record.topic().equals(dropped)) {
                hub.onDropped(DroppedFrame.parseFrom(record.value()), now);
            }
        } catch (InvalidProtocolBufferException e) {
            badRecords.warn("skipping an unreadable answer on {} (partition {}, offset {}): {}", record.topic(),
                    record.partition(), record.offset(), e.getMessage());
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
