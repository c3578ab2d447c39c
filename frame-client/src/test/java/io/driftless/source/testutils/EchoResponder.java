package io.driftless.source.testutils;

import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.HeadPose;
import io.driftless.proto.Anchor;
import io.driftless.proto.ArCoordinates;
import io.driftless.proto.DropReason;
import io.driftless.proto.DroppedFrame;
import io.driftless.proto.Frame;
import io.driftless.proto.Timing;
import io.driftless.source.HeadMotion;
import io.driftless.source.KafkaLink;
import io.driftless.source.SyntheticConfig;
import io.driftless.source.internal.Schedule;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongPredicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A stand-in for the job: reads every frame and answers it at once, by rules on the frame's
 * sequence number. Coordinates carry the user's true pose (recomputed from the run's seed, motion
 * and schedule) with a fixed yaw bias, the AR anchors of that pose, and deterministic timing
 * stamps, so a test knows exactly what the client must count.
 */
public final class EchoResponder implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(50);

    private final SyntheticConfig config;
    private final Rules rules;
    private final Thread thread;
    private final Schedule schedule;
    private final HeadMotion[] motions;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong answered = new AtomicLong();
    private volatile Milestone milestone;
    private volatile boolean stopped;

    private record Milestone(long answers, CompletableFuture<Void> reached) {}

    /** What to do with frame number {@code sequence} of any user. */
    public record Rules(LongPredicate drop, DropReason dropReason, LongPredicate duplicate,
            LongPredicate late, double yawBiasDeg) {}

    private EchoResponder(SyntheticConfig config, Rules rules) {
        this.config = config;
        this.rules = rules;
        this.schedule = new Schedule(config.users(), config.fps());
        this.motions = new HeadMotion[config.users()];
        for (int user = 0; user < motions.length; user++) {
            motions[user] = HeadMotion.forUser(config.seed(), user, config.camera(),
                    config.motion());
        }
        this.thread = new Thread(this::loop, "echo-responder");
    }

    /** Starts answering the frames of {@code config}'s topics; the frames topic must be fresh. */
    public static EchoResponder start(SyntheticConfig config, Rules rules) {
        EchoResponder responder = new EchoResponder(config, rules);
        responder.thread.start();
        return responder;
    }

    private void loop() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaLink().bootstrapServers(),
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                        new ByteArrayDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaLink().bootstrapServers(),
                        ProducerConfig.LINGER_MS_CONFIG, 0,
                        ProducerConfig.ACKS_CONFIG, "1",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false),
                        new ByteArraySerializer(), new ByteArraySerializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(config.kafkaLink().framesTopic(), Duration.ofSeconds(30)).forEach(
                    p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!stopped) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    answer(producer, Frame.parseFrom(record.value()));
                }
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    /** Completes once this many frames have been answered (one at a time may wait). */
    public CompletableFuture<Void> whenAnswered(long answers) {
        Milestone m = new Milestone(answers, new CompletableFuture<>());
        milestone = m;
        if (answered.get() >= answers) {
            m.reached().complete(null);
        }
        return m.reached();
    }

    private void answered() {
        long n = answered.incrementAndGet();
        Milestone m = milestone;
        if (m != null && n >= m.answers()) {
            m.reached().complete(null);
        }
    }

    private void answer(KafkaProducer<byte[], byte[]> producer, Frame frame) {
        String session = frame.getSessionId();
        byte[] key = session.getBytes(StandardCharsets.UTF_8);
        long seq = frame.getSequence();
        if (rules.drop().test(seq)) {
            DroppedFrame drop = DroppedFrame.newBuilder()
                    .setSessionId(session)
                    .setSequence(seq)
                    .setCaptureTimeUs(frame.getCaptureTimeUs())
                    .setReason(rules.dropReason())
                    .setDetail("every tenth frame, by the test's rule")
                    .build();
            producer.send(new ProducerRecord<>(config.kafkaLink().droppedTopic(), key, drop.toByteArray()));
            answered();
            return;
        }
        int user = Integer.parseInt(session.substring(session.lastIndexOf("-u") + 2));
        long slot = (seq - 1) * config.users() + user;
        HeadPose truth = motions[user].at(schedule.offsetNanos(slot) / 1e9);
        HeadPose answered = new HeadPose(truth.yawDeg() + rules.yawBiasDeg(), truth.pitchDeg(),
                truth.rollDeg(), truth.xM(), truth.yM(), truth.zM());
        float[] anchors = FaceGeometry.projectAnchors(answered, config.camera());
        long budgetUs = frame.getDeadlineMs() * 1_000L;
        long emitUs = frame.getCaptureTimeUs() + (rules.late().test(seq) ? budgetUs + 5_000 : 1_000);
        ArCoordinates response = ArCoordinates.newBuilder()
                .setSessionId(session)
                .setSequence(seq)
                .setCaptureTimeUs(frame.getCaptureTimeUs())
                .setPose(io.driftless.proto.HeadPose.newBuilder()
                        .setYawDeg((float) (truth.yawDeg() + rules.yawBiasDeg()))
                        .setPitchDeg((float) truth.pitchDeg())
                        .setRollDeg((float) truth.rollDeg())
                        .setXM((float) truth.xM())
                        .setYM((float) truth.yM())
                        .setZM((float) truth.zM()))
                .setConfidence(1)
                .addAllAnchors(anchors(anchors))
                .setTiming(Timing.newBuilder()
                        .setCaptureUs(frame.getCaptureTimeUs())
                        .setClientSendUs(frame.getSendTimeUs())
                        .setEmitUs(emitUs)
                        .setDeadlineMs(frame.getDeadlineMs()))
                .setModel("echo")
                .build();
        String topic = config.kafkaLink().coordinatesTopicPattern()
                .replace(KafkaLink.SESSION_PLACEHOLDER, session);
        byte[] value = response.toByteArray();
        producer.send(new ProducerRecord<>(topic, key, value));
        if (rules.duplicate().test(seq)) {
            producer.send(new ProducerRecord<>(topic, key, value));
        }
        answered();
    }

    private static List<Anchor> anchors(float[] xy) {
        List<Anchor> anchors = new ArrayList<>();
        for (int i = 0; i < FaceGeometry.AR_ANCHORS.size(); i++) {
            anchors.add(Anchor.newBuilder().setName(FaceGeometry.AR_ANCHORS.get(i).name())
                    .setX(xy[2 * i]).setY(xy[2 * i + 1]).build());
        }
        return anchors;
    }

    /** Stops answering; rethrows whatever broke the responder, so a test cannot miss it. */
    @Override
    public void close() {
        stopped = true;
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError("the echo responder failed", t);
        }
    }
}
