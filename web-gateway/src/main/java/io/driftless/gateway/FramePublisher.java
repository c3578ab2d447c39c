package io.driftless.gateway;

import io.driftless.proto.Frame;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Produces the sockets' frames to the job's frames topic, keyed by session; one producer per instance. */
final class FramePublisher implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    FramePublisher(GatewayConfig config) {
        this.topic = config.framesTopic;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers,
                // a frame waiting for a batch to fill spends its 33 ms budget
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, config.maxMessageBytes + (64 << 10),
                ProducerConfig.CLIENT_ID_CONFIG, "driftless-web-gateway-" + config.instanceId),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends {@code frame}; {@code failed} hears why when Kafka does not take it. */
    void publish(Frame frame, Consumer<Exception> failed) {
        producer.send(new ProducerRecord<>(topic, frame.getSessionId().getBytes(StandardCharsets.UTF_8),
                frame.toByteArray()), (metadata, e) -> {
                    if (e != null) {
                        failed.accept(e);
                    }
                });
    }

    @Override
    public void close() {
        producer.close();
    }
}
