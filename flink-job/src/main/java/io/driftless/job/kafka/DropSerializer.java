package io.driftless.job.kafka;

import io.driftless.inference.service.FrameEnvelope;
import io.driftless.job.ReplyTopics;
import io.driftless.job.record.FrameDrop;
import io.driftless.proto.DroppedFrame;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes a drop as a {@link DroppedFrame} to the dropped topic (or the frame's reply topic), keyed by session. */
public class DropSerializer implements KafkaRecordSerializationSchema<FrameDrop> {

    private static final long serialVersionUID = 1L;

    private final String topic;

    public DropSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        KafkaClientClasses.preload();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(FrameDrop drop, KafkaSinkContext context, Long timestamp) {
        FrameEnvelope frame = drop.frame;
        String session = frame.sessionId == null ? "" : frame.sessionId;
        DroppedFrame dropped = DroppedFrame.newBuilder()
                .setSessionId(session)
                .setSequence(frame.sequence)
                .setCaptureTimeUs(frame.captureTimeUs)
                .setReason(drop.reason)
                .setDetail(drop.detail == null ? "" : drop.detail)
                .setTiming(TimingStamps.of(frame, drop.inferenceStartUs, drop.inferenceEndUs, drop.batchSize, drop.emitUs))
                .build();
        return new ProducerRecord<>(
                frame.replyTo != null ? ReplyTopics.dropped(frame.replyTo) : topic,
                session.isEmpty() ? null : session.getBytes(StandardCharsets.UTF_8),
                dropped.toByteArray());
    }
}
