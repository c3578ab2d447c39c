package io.driftless.source.testutils;

import io.driftless.proto.Anchor;
import io.driftless.proto.AnnotatedFrame;
import io.driftless.proto.ArCoordinates;
import io.driftless.proto.Box;
import io.driftless.proto.Detection;
import io.driftless.proto.DropReason;
import io.driftless.proto.DroppedFrame;
import io.driftless.proto.Frame;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongPredicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A stand-in for the job for one camera: keeps every frame it reads, answers the sequences
 * {@code answer} accepts (coordinates for landmarks; an annotated frame plus coordinates for
 * images) with the fixed {@link #ANCHORS} and {@link #BOX}, and drops the others as late.
 */
public final class CameraResponder implements AutoCloseable {

    /** Where every answer puts the overlay: the anchors' bounding box is x 150..250, y 150..300. */
    public static final List<Anchor> ANCHORS = List.of(
            anchor("right_ear_tip", 150, 150), anchor("left_ear_tip", 250, 150),
            anchor("forehead", 200, 170), anchor("glasses_bridge", 200, 200),
            anchor("nose_tip", 200, 220), anchor("chin", 200, 300));
    public static final Box BOX = Box.newBuilder().setXMin(150).setYMin(150).setXMax(250)
            .setYMax(300).build();

    private final List<Frame> frames = new CopyOnWriteArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean stopped;

    public CameraResponder(String bootstrapServers, String framesTopic, String coordinatesTopic,
            String annotatedTopic, String droppedTopic, LongPredicate answer) {
        Map<String, Object> consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "camera-responder-" + framesTopic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Map<String, Object> producerConfig = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        thread = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig);
                    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig)) {
                consumer.subscribe(List.of(framesTopic));
                while (!stopped) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                        Frame frame = Frame.parseFrom(r.value());
                        frames.add(frame);
                        if (!answer.test(frame.getSequence())) {
                            producer.send(new ProducerRecord<>(droppedTopic, r.key(),
                                    DroppedFrame.newBuilder().setSessionId(frame.getSessionId())
                                            .setSequence(frame.getSequence())
                                            .setReason(DropReason.LATE_ON_ARRIVAL).build()
                                            .toByteArray()));
                            continue;
                        }
                        producer.send(new ProducerRecord<>(coordinatesTopic, r.key(),
                                ArCoordinates.newBuilder().setSessionId(frame.getSessionId())
                                        .setSequence(frame.getSequence())
                                        .setCaptureTimeUs(frame.getCaptureTimeUs())
                                        .addAllAnchors(ANCHORS).build().toByteArray()));
                        if (frame.hasImage()) {
                            producer.send(new ProducerRecord<>(annotatedTopic, r.key(),
                                    AnnotatedFrame.newBuilder()
                                            .setSessionId(frame.getSessionId())
                                            .setSequence(frame.getSequence())
                                            .addDetections(Detection.newBuilder().setLabel("face")
                                                    .setScore(0.9f).setBox(BOX))
                                            .build().toByteArray()));
                        }
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "camera-responder");
        thread.start();
    }

    /** The frames read so far, in order. */
    public List<Frame> frames() {
        return List.copyOf(frames);
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(10_000);
        if (failure.get() != null) {
            throw new AssertionError("the responder failed", failure.get());
        }
    }

    private static Anchor anchor(String name, float x, float y) {
        return Anchor.newBuilder().setName(name).setX(x).setY(y).build();
    }
}
