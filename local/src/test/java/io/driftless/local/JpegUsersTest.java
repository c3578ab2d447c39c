package io.driftless.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.inference.face.RgbImage;
import io.driftless.inference.image.JpegCodec;
import io.driftless.inference.image.JpegLimits;
import io.driftless.kafka.EmbeddedKafkaBroker;
import io.driftless.proto.Frame;
import io.driftless.source.video.FaceDetector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

class JpegUsersTest {

    private static final String TOPIC = "frames";

    @Test
    void everyShotIsA640By480JpegWithTheFaceInIt() {
        JpegCodec codec = new JpegCodec(JpegLimits.DEFAULTS);
        try (FaceDetector detector = new FaceDetector()) {
            List<byte[]> shots = JpegUsers.shots();
            assertThat(shots).hasSize(JpegUsers.SHOTS);
            for (byte[] shot : shots) {
                RgbImage image = codec.decode(shot);
                assertThat(image.width()).isEqualTo(JpegUsers.WIDTH);
                assertThat(image.height()).isEqualTo(JpegUsers.HEIGHT);
                assertThat(detector.detect(image)).as("faces in a shot").hasSize(1);
            }
        }
    }

    @Test
    void eachSessionSendsImageFramesKeyedByItsIdInSequence() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().brokerPort(0).build()) {
            broker.start();
            broker.createTopic(TOPIC, 2);
            Map<String, Long> lastSequence = new HashMap<>();
            int frames = 0;
            try (JpegUsers users = JpegUsers.start(broker.bootstrapServers(), TOPIC, 2, 30);
                    KafkaConsumer<byte[], byte[]> consumer = consumer(broker.bootstrapServers())) {
                consumer.subscribe(List.of(TOPIC));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (frames < 20 || lastSequence.size() < 2) {
                    assertThat(System.nanoTime()).as("20 frames of 2 sessions within 60 s, got %d of %s", frames,
                            lastSequence.keySet()).isLessThan(deadline);
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        Frame frame = Frame.parseFrom(record.value());
                        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(frame.getSessionId());
                        assertThat(frame.getSessionId()).matches("jpeg-user-[01]");
                        assertThat(frame.hasImage()).isTrue();
                        assertThat(frame.getImage().getWidth()).isEqualTo(JpegUsers.WIDTH);
                        assertThat(frame.getImage().getHeight()).isEqualTo(JpegUsers.HEIGHT);
                        assertThat(frame.getCaptureTimeUs()).isPositive().isLessThanOrEqualTo(frame.getSendTimeUs());
                        Long previous = lastSequence.put(frame.getSessionId(), frame.getSequence());
                        assertThat(frame.getSequence()).isEqualTo(previous == null ? 1 : previous + 1);
                        frames++;
                    }
                }
                assertThat(users.failed()).isZero();
                assertThat(users.sent()).isGreaterThanOrEqualTo(frames);
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "jpeg-users-test");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }
}
