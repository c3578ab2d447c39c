package io.driftless.local;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.driftless.kafka.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The local broker's retention takes effect: records older than it leave the log by themselves. */
class BrokerRetentionITCase {

    private static final String TOPIC = "frames";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

    @Test
    void deletesRecordsOlderThanTheRetentionWithoutAnyoneAsking() throws Exception {
        BrokerRetention retention = new BrokerRetention(Duration.ofMinutes(1));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
                .brokerPort(0)
                .brokerProperties(retention.brokerProperties())
                // the first retention check comes after Kafka's initial task delay (30 s) and
                // then every log.retention.check.interval.ms: start checking at once
                .brokerProperty("log.initial.task.delay.ms", "0")
                .build()) {
            broker.start();
            broker.createTopic(TOPIC, 1);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                            new ByteArraySerializer(), new ByteArraySerializer());
                    Admin admin = Admin.create(Map.of(
                            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                // stamped three minutes ago: past the retention, and past the age that closes a segment
                long stamp = System.currentTimeMillis() - Duration.ofMinutes(3).toMillis();
                // each poll appends one more old record: a new segment rolls, and the old ones go
                await("the first offset in the log moving past records stamped 3 minutes ago")
                        .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            producer.send(new ProducerRecord<>(TOPIC, 0, stamp, null, new byte[100])).get();
                            return admin.listOffsets(Map.of(PARTITION, OffsetSpec.earliest())).all().get()
                                    .get(PARTITION).offset();
                        }, earliest -> earliest > 0);
            }
        }
    }

    @Test
    void refusesARetentionShorterThanAMinute() {
        assertThatThrownBy(() -> new BrokerRetention(Duration.ofSeconds(30)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--kafka-retention must be at least 1m, got 30s");
    }
}
