package io.driftless.kafka.testutils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Plain string producers and consumers for checking what a broker stores. */
public final class TestClients {

    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private TestClients() {}

    public static KafkaProducer<String, String> producer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(), new StringSerializer());
    }

    /** Sends one record and waits for the broker's acknowledgement. */
    public static RecordMetadata send(KafkaProducer<String, String> producer, ProducerRecord<String, String> record)
            throws InterruptedException, ExecutionException, TimeoutException {
        return producer.send(record).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sends records with the given values, unkeyed, to one topic, each acknowledged before the next. */
    public static void sendValues(String bootstrapServers, String topic, List<String> values)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (KafkaProducer<String, String> producer = producer(bootstrapServers)) {
            for (String value : values) {
                send(producer, new ProducerRecord<>(topic, value));
            }
        }
    }

    /**
     * Reads a topic from the beginning of every partition, without a consumer group, until {@code
     * count} records have arrived; fails naming what did arrive if they do not within {@link #TIMEOUT}.
     */
    public static List<ConsumerRecord<String, String>> readFromBeginning(
            String bootstrapServers, String topic, int count) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, TIMEOUT)) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            // polled on this thread: a KafkaConsumer has a single owner
            await(count + " records in topic " + topic).atMost(TIMEOUT).pollInSameThread()
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .untilAsserted(() -> {
                        if (records.size() < count) {
                            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                        }
                        assertThat(records).as("records in topic %s", topic).hasSizeGreaterThanOrEqualTo(count);
                    });
            return records;
        }
    }

    public static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }
}
