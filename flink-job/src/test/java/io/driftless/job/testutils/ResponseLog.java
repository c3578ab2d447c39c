package io.driftless.job.testutils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.InvalidProtocolBufferException;
import io.driftless.job.JobConfig;
import io.driftless.proto.AnnotatedFrame;
import io.driftless.proto.ArCoordinates;
import io.driftless.proto.DroppedFrame;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a test's response and dropped topics into maps keyed by "session/sequence". */
public final class ResponseLog implements AutoCloseable {

    private static final byte[] PROBE_KEY = JobUnderTest.key(JobUnderTest.PROBE_SESSION);

    public final Map<String, ArCoordinates> responses = new HashMap<>();
    public final Map<String, DroppedFrame> drops = new HashMap<>();
    public final Map<String, AnnotatedFrame> annotated = new HashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String coordinatesTopic;
    private final String annotatedTopic;
    private final boolean probes;

    /** Reads the topics, leaving out the answers to {@link JobUnderTest#awaitServing}'s probes. */
    public ResponseLog(String bootstrapServers, String coordinatesTopic, String droppedTopic) {
        this(bootstrapServers, coordinatesTopic, null, droppedTopic, false, new Properties());
    }

    /** Reads the annotated-frames topic too, leaving out the answers to the serving probes. */
    public ResponseLog(String bootstrapServers, String coordinatesTopic, String annotatedTopic, String droppedTopic) {
        this(bootstrapServers, coordinatesTopic, annotatedTopic, droppedTopic, false, new Properties());
    }

    /** Reads the topics, answers to the serving probes included. */
    static ResponseLog withProbes(JobConfig job) {
        return new ResponseLog(job.bootstrapServers, job.coordinatesTopicPattern, null, job.droppedTopic, true,
                job.kafkaProperties());
    }

    private ResponseLog(String bootstrapServers, String coordinatesTopic, String annotatedTopic, String droppedTopic,
            boolean probes, Properties security) {
        this.probes = probes;
        Properties props = new Properties();
        props.putAll(security);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "response-log-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.coordinatesTopic = coordinatesTopic;
        this.annotatedTopic = annotatedTopic;
        consumer.subscribe(annotatedTopic == null ? List.of(coordinatesTopic, droppedTopic)
                : List.of(coordinatesTopic, annotatedTopic, droppedTopic));
    }

    public static String id(String session, long sequence) {
        return session + "/" + sequence;
    }

    /** Polls until {@code done} holds, failing with what was seen if it does not within the timeout. */
    public ResponseLog awaitUntil(Predicate<ResponseLog> done, Duration timeout) {
        // polled on this thread: a KafkaConsumer has a single owner
        await("the awaited answers on the job's topics").atMost(timeout).pollInSameThread()
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .untilAsserted(() -> {
                    if (!done.test(this)) {
                        poll(Duration.ofMillis(100));
                    }
                    assertThat(done.test(this)).as(this::seen).isTrue();
                });
        return this;
    }

    /** What has arrived so far, with the first drops and their reasons. */
    private String seen() {
        return responses.size() + " responses and " + drops.size() + " drops so far: " + drops.values().stream()
                .map(d -> id(d.getSessionId(), d.getSequence()) + " " + d.getReason() + " " + d.getDetail())
                .limit(20).toList();
    }

    /** Reads what arrives within {@code timeout}. */
    public void poll(Duration timeout) throws InvalidProtocolBufferException {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            if (!probes && Arrays.equals(record.key(), PROBE_KEY)) {
                continue;
            }
            if (record.topic().equals(coordinatesTopic)) {
                ArCoordinates r = ArCoordinates.parseFrom(record.value());
                responses.put(id(r.getSessionId(), r.getSequence()), r);
            } else if (record.topic().equals(annotatedTopic)) {
                AnnotatedFrame a = AnnotatedFrame.parseFrom(record.value());
                annotated.put(id(a.getSessionId(), a.getSequence()), a);
            } else {
                DroppedFrame d = DroppedFrame.parseFrom(record.value());
                drops.put(id(d.getSessionId(), d.getSequence()), d);
            }
        }
    }

    public int answered() {
        return responses.size() + drops.size();
    }

    /** Whether the frame has an answer: coordinates, an annotated frame or a drop. */
    public boolean answered(String session, long sequence) {
        String id = id(session, sequence);
        return responses.containsKey(id) || annotated.containsKey(id) || drops.containsKey(id);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
