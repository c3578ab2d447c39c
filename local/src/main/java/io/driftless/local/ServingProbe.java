package io.driftless.local;

import io.driftless.inference.MicroClock;
import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import io.driftless.proto.Frame;
import io.driftless.proto.KeypointScheme;
import io.driftless.proto.Landmarks;
import io.driftless.proto.Point;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Waits until the job answers frames. A RUNNING job may still be joining its consumer group;
 * users who started streaming then would see their first frames age in Kafka and be dropped.
 */
final class ServingProbe {

    private ServingProbe() {}

    /**
     * Sends a probe frame every 200 ms until one is answered or {@code cancelled} says so; fails
     * after {@code timeout}.
     */
    static void await(String bootstrapServers, String frames, List<String> answerTopics, Duration timeout,
            BooleanSupplier cancelled) {
        String session = "probe-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] key = session.getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                        Map.of("bootstrap.servers", bootstrapServers, "linger.ms", 0),
                        new ByteArraySerializer(), new ByteArraySerializer());
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                        Map.of("bootstrap.servers", bootstrapServers, "group.id", session,
                                "auto.offset.reset", "latest", "allow.auto.create.topics", false),
                        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(answerTopics);
            long deadline = System.nanoTime() + timeout.toNanos();
            for (long sequence = 1; System.nanoTime() < deadline && !cancelled.getAsBoolean(); sequence++) {
                producer.send(new ProducerRecord<>(frames, key, probe(session, sequence).toByteArray()));
                for (ConsumerRecord<byte[], byte[]> answer : consumer.poll(Duration.ofMillis(200))) {
                    if (answer.key() != null && session.equals(new String(answer.key(), StandardCharsets.UTF_8))) {
                        return;
                    }
                }
            }
            if (cancelled.getAsBoolean()) {
                return;
            }
            throw new IllegalStateException("the job did not answer a frame within " + timeout.toSeconds() + " s");
        }
    }

    private static Frame probe(String session, long sequence) {
        PinholeCamera camera = PinholeCamera.withHorizontalFov(640, 480, PinholeCamera.DEFAULT_HORIZONTAL_FOV_DEG);
        float[] xy = FaceGeometry.projectKeypoints(new HeadPose(0, 0, 0, 0, 0, 0.5), camera);
        Landmarks.Builder landmarks = Landmarks.newBuilder()
                .setScheme(KeypointScheme.BLAZEFACE_SIX)
                .setImageWidth(camera.width())
                .setImageHeight(camera.height())
                .setFocalLengthPx((float) camera.focalPx());
        for (int i = 0; i < FaceGeometry.KEYPOINT_COUNT; i++) {
            landmarks.addKeypoints(Point.newBuilder().setX(xy[2 * i]).setY(xy[2 * i + 1]));
        }
        long micros = MicroClock.system().nowMicros();
        return Frame.newBuilder()
                .setSessionId(session)
                .setSequence(sequence)
                .setCaptureTimeUs(micros)
                .setSendTimeUs(micros)
                .setLandmarks(landmarks)
                .build();
    }
}
