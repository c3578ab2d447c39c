package io.driftless.bench.system;

import io.driftless.inference.MicroClock;
import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.InferenceOutcome;
import io.driftless.job.ResponseTopicPattern;
import io.driftless.job.kafka.CoordinatesSerializer;
import io.driftless.proto.Frame;
import io.driftless.proto.Landmarks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka floor: one consumer and one producer with the job's client settings (fetch wait
 * 50 ms, linger 0) that answer every frame at once with a fixed pose. A round trip through it
 * crosses the same two Kafka hops as one through the job, and nothing else. Its answers carry the
 * stamps the job's do (the broker's append, read, emit), so the round trips divide into the same
 * stages, the job's own ones empty; and a landmark frame's answer has the shape and size of the
 * job's (pose, the AR anchors projected for the frame's camera, motion with their velocities), so
 * the users' clients read, measure and draw as much per answer for both.
 */
public final class KafkaRelay implements SystemUnderTest {

    public static final String NAME = "kafka floor";

    private static final Duration POLL = Duration.ofMillis(100);

    private final String bootstrapServers;
    private final Topics topics;
    private final MicroClock clock = MicroClock.system();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean stopped;

    private KafkaRelay(BenchBroker broker, Topics topics) {
        this.bootstrapServers = broker.bootstrapServers();
        this.topics = topics;
        this.thread = new Thread(this::relay, "bench-kafka-relay");
        thread.setDaemon(true);
    }

    public static KafkaRelay start(BenchBroker broker) {
        Topics topics = broker.create("kafka");
        KafkaRelay relay = new KafkaRelay(broker, topics);
        relay.thread.start();
        return relay;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Topics topics() {
        return topics;
    }

    private void relay() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50),
                        new ByteArrayDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ProducerConfig.LINGER_MS_CONFIG, 0),
                        new ByteArraySerializer(), new ByteArraySerializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topics.frames(), Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            while (!stopped) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    long read = clock.nowMicros();
                    long append = record.timestampType() == TimestampType.LOG_APPEND_TIME
                            ? record.timestamp() * 1_000 : 0;
                    Frame frame = Frame.parseFrom(record.value());
                    producer.send(new ProducerRecord<>(topics.coordinates(), record.key(),
                            answer(frame, append, read)));
                }
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    /**
     * A head half a metre from the camera, turning slowly: every value non-zero, so that the
     * answer takes as many bytes as the job's (Protobuf leaves zeros out).
     */
    private static final HeadPose POSE = new HeadPose(5, 3, 1, 0.01, 0.01, 0.5);
    private static final double[] RATES = {10, 5, 2, 0.01, 0.01, 0.001};
    /** The job's coordinates serializer; the relay sends to its own topic, so only the value is used. */
    private static final CoordinatesSerializer SERIALIZER =
            new CoordinatesSerializer(new ResponseTopicPattern("kafka-floor.coordinates"));

    /** The relay's answer to {@code frame}, stamped with the broker's append, its read and now. */
    private byte[] answer(Frame frame, long appendUs, long readUs) {
        return answer(frame, appendUs, readUs, clock.nowMicros());
    }

    /**
     * The answer the job would write for {@code frame} with {@link #POSE} drawn, written by the job's
     * own serializer, so that it keeps the job's shape and size as that changes; the stamps put the
     * job's stages at the relay's read.
     */
    static byte[] answer(Frame frame, long appendUs, long readUs, long emitUs) {
        FrameEnvelope envelope = new FrameEnvelope();
        envelope.sessionId = frame.getSessionId();
        envelope.sequence = frame.getSequence();
        envelope.captureTimeUs = frame.getCaptureTimeUs();
        envelope.sendTimeUs = frame.getSendTimeUs();
        envelope.deadlineMs = frame.getDeadlineMs();
        envelope.brokerAppendUs = appendUs;
        envelope.ingestUs = readUs;
        InferenceOutcome outcome = new InferenceOutcome();
        outcome.frame = envelope;
        outcome.model = "relay";
        outcome.inferenceStartUs = readUs;
        outcome.inferenceEndUs = readUs;
        outcome.batchSize = 1;
        outcome.emitUs = emitUs;
        if (frame.hasLandmarks()) {
            Landmarks landmarks = frame.getLandmarks();
            PinholeCamera camera = PinholeCamera.of(landmarks.getImageWidth(), landmarks.getImageHeight(),
                    landmarks.getFocalLengthPx());
            outcome.packPose(POSE, 1);
            outcome.anchors = FaceGeometry.projectAnchors(POSE, camera);
            outcome.poseRates = new float[RATES.length];
            for (int i = 0; i < RATES.length; i++) {
                outcome.poseRates[i] = (float) RATES[i];
            }
            outcome.anchorVelocities = FaceGeometry.anchorVelocities(POSE, RATES, camera);
        }
        return SERIALIZER.serialize(outcome, null, null).value();
    }

    /** Stops relaying; throws what broke the relay, so no run measures a dead one unnoticed. */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(Duration.ofSeconds(30).toMillis());
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("the Kafka relay failed: " + t, t);
        }
    }
}
