package io.driftless.job.kafka;

import io.driftless.inference.MicroClock;
import io.driftless.inference.service.InferenceOutcome;
import io.driftless.job.JobConfig;
import io.driftless.job.ResponseTopicPattern;
import io.driftless.job.record.FrameDrop;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The job's Kafka source and sinks, with the low-latency client settings as defaults. */
public final class KafkaEndpoints {

    private KafkaEndpoints() {}

    public static KafkaSource<RawFrame> frames(JobConfig config, MicroClock clock) {
        Properties props = new Properties();
        // with data waiting a fetch returns at once; this only bounds the idle long-poll
        props.setProperty(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
        props.putAll(config.kafkaProperties());
        return KafkaSource.<RawFrame>builder()
                .setBootstrapServers(config.bootstrapServers)
                .setTopics(config.framesTopic)
                .setGroupId(config.groupId)
                .setStartingOffsets(startingOffsets(config))
                .setDeserializer(new RawFrameDeserializer(clock))
                .setProperties(props)
                .build();
    }

    public static KafkaSink<InferenceOutcome> coordinates(JobConfig config) {
        return KafkaSink.<InferenceOutcome>builder()
                .setBootstrapServers(config.bootstrapServers)
                .setRecordSerializer(new CoordinatesSerializer(new ResponseTopicPattern(config.coordinatesTopicPattern)))
                // exactly-once would hold every response until the next checkpoint
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setKafkaProducerConfig(producerProperties(config))
                .build();
    }

    /**
     * The annotated-frames sink. An annotated frame is about the size of the client's JPEG, so
     * requests may be as large as the largest frame accepted, plus room for the detections.
     */
    public static KafkaSink<InferenceOutcome> annotated(JobConfig config) {
        Properties props = producerProperties(config);
        props.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(annotatedMaxBytes(config)));
        return KafkaSink.<InferenceOutcome>builder()
                .setBootstrapServers(config.bootstrapServers)
                .setRecordSerializer(new AnnotatedSerializer(new ResponseTopicPattern(config.annotatedTopicPattern)))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setKafkaProducerConfig(props)
                .build();
    }

    /** Room in an annotated-frame record for everything but the JPEG: ids, detections, timing. */
    private static final int ANNOTATION_ROOM_BYTES = 64 << 10;

    /** The largest annotated-frame record: Kafka's 1 MiB default, or the frame cap plus 64 KiB. */
    public static int annotatedMaxBytes(JobConfig config) {
        return annotatedMaxBytes(config.inputLimits.maxFrameBytes());
    }

    /** The same for a frame cap of {@code maxFrameBytes}, e.g. to create an annotated topic that fits. */
    public static int annotatedMaxBytes(int maxFrameBytes) {
        return Math.max(1 << 20, maxFrameBytes + ANNOTATION_ROOM_BYTES);
    }

    /** The largest annotated JPEG that fits an {@link #annotatedMaxBytes} record. */
    public static int annotatedMaxJpegBytes(JobConfig config) {
        return annotatedMaxBytes(config) - ANNOTATION_ROOM_BYTES;
    }

    public static KafkaSink<FrameDrop> dropped(JobConfig config) {
        return KafkaSink.<FrameDrop>builder()
                .setBootstrapServers(config.bootstrapServers)
                .setRecordSerializer(new DropSerializer(config.droppedTopic))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setKafkaProducerConfig(producerProperties(config))
                .build();
    }

    private static Properties producerProperties(JobConfig config) {
        Properties props = new Properties();
        // Kafka 4 producers wait 5 ms for a batch to fill by default: a sixth of the budget
        props.setProperty(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.putAll(config.kafkaProperties());
        return props;
    }

    private static OffsetsInitializer startingOffsets(JobConfig config) {
        return switch (config.startingOffsets) {
            case COMMITTED_OR_EARLIEST -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case COMMITTED_OR_LATEST -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST);
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
        };
    }
}
