package io.driftless.job.kafka;

import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.InferenceOutcome;
import io.driftless.job.ReplyTopics;
import io.driftless.job.ResponseTopicPattern;
import io.driftless.proto.AnnotatedFrame;
import io.driftless.proto.Box;
import io.driftless.proto.Classification;
import io.driftless.proto.Detection;
import io.driftless.proto.Point;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes an image frame's response as an {@link AnnotatedFrame} to the session's annotated-frames topic. */
public class AnnotatedSerializer implements KafkaRecordSerializationSchema<InferenceOutcome> {

    private static final long serialVersionUID = 1L;

    /** The label of every detection of the face detector. */
    public static final String FACE_LABEL = "face";

    private final ResponseTopicPattern topics;

    public AnnotatedSerializer(ResponseTopicPattern topics) {
        this.topics = topics;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        KafkaClientClasses.preload();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(InferenceOutcome outcome, KafkaSinkContext context, Long timestamp) {
        FrameEnvelope frame = outcome.frame;
        AnnotatedFrame.Builder response = AnnotatedFrame.newBuilder()
                .setSessionId(frame.sessionId)
                .setSequence(frame.sequence)
                .setCaptureTimeUs(frame.captureTimeUs)
                .setJpeg(ByteString.copyFrom(outcome.annotatedJpeg))
                .setWidth(frame.imageWidth)
                .setHeight(frame.imageHeight)
                .setModel(outcome.model == null ? "" : outcome.model)
                .setTiming(TimingStamps.of(frame, outcome.inferenceStartUs, outcome.inferenceEndUs,
                        outcome.batchSize, outcome.emitUs));
        float[] d = outcome.detections;
        for (int i = 0; i < outcome.detectionCount(); i++) {
            int at = i * InferenceOutcome.DETECTION_STRIDE;
            Detection.Builder detection = Detection.newBuilder()
                    .setLabel(FACE_LABEL)
                    .setScore(d[at])
                    .setBox(Box.newBuilder()
                            .setXMin(d[at + 1])
                            .setYMin(d[at + 2])
                            .setXMax(d[at + 1] + d[at + 3])
                            .setYMax(d[at + 2] + d[at + 4]));
            for (int k = at + 5; k < at + InferenceOutcome.DETECTION_STRIDE; k += 2) {
                detection.addKeypoints(Point.newBuilder().setX(d[k]).setY(d[k + 1]));
            }
            response.addDetections(detection);
        }
        float[] o = outcome.objects;
        for (int i = 0; i < outcome.objectCount(); i++) {
            int at = i * InferenceOutcome.OBJECT_STRIDE;
            response.addDetections(Detection.newBuilder()
                    .setLabel(outcome.objectLabels[i])
                    .setClassId(outcome.objectClassIds[i])
                    .setScore(o[at])
                    .setBox(Box.newBuilder()
                            .setXMin(o[at + 1])
                            .setYMin(o[at + 2])
                            .setXMax(o[at + 3])
                            .setYMax(o[at + 4])));
        }
        if (outcome.classLabels != null) {
            for (int i = 0; i < outcome.classLabels.length; i++) {
                response.addClasses(Classification.newBuilder()
                        .setLabel(outcome.classLabels[i])
                        .setScore(outcome.classScores[i])
                        .setClassId(outcome.classIds[i]));
            }
        }
        return new ProducerRecord<>(
                frame.replyTo != null ? ReplyTopics.annotated(frame.replyTo) : topics.topicFor(frame.sessionId),
                frame.sessionId.getBytes(StandardCharsets.UTF_8),
                response.build().toByteArray());
    }
}
