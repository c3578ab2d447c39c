package io.driftless.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                long sent = 0;
                long earliest = 0;
                while (earliest == 0 && System.nanoTime() - deadline < 0) {
                    producer.send(new ProducerRecord<>(TOPIC, 0, stamp, null, new byte[100])).get();
                    sent++;
                    earliest = admin.listOffsets(Map.of(PARTITION, OffsetSpec.earliest())).all().get()
                            .get(PARTITION).offset();
                    Thread.sleep(200);
                }
                assertThat(earliest)
                        .as("the first offset still in the log after %d records stamped 3 minutes ago", sent)
                        .isPositive();
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
