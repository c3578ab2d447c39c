package io.driftless.job.kafka;

import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.InferenceOutcome;
import io.driftless.inference.pose.FaceGeometry;
import io.driftless.job.ReplyTopics;
import io.driftless.job.ResponseTopicPattern;
import io.driftless.proto.Anchor;
import io.driftless.proto.AnchorVelocity;
import io.driftless.proto.ArCoordinates;
import io.driftless.proto.HeadPose;
import io.driftless.proto.Motion;
import io.driftless.proto.PoseRates;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes a rendered pose as {@link ArCoordinates} to the session's response topic. */
public class CoordinatesSerializer implements KafkaRecordSerializationSchema<InferenceOutcome> {

    private static final long serialVersionUID = 1L;

    private final ResponseTopicPattern topics;

    public CoordinatesSerializer(ResponseTopicPattern topics) {
        this.topics = topics;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        KafkaClientClasses.preload();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(InferenceOutcome outcome, KafkaSinkContext context, Long timestamp) {
        FrameEnvelope frame = outcome.frame;
        ArCoordinates.Builder response = ArCoordinates.newBuilder()
                .setSessionId(frame.sessionId)
                .setSequence(frame.sequence)
                .setCaptureTimeUs(frame.captureTimeUs)
                .setPose(HeadPose.newBuilder()
                        .setYawDeg(outcome.yawDeg)
                        .setPitchDeg(outcome.pitchDeg)
                        .setRollDeg(outcome.rollDeg)
                        .setXM(outcome.xM)
                        .setYM(outcome.yM)
                        .setZM(outcome.zM))
                .setConfidence(outcome.confidence)
                .setModel(outcome.model == null ? "" : outcome.model)
                .setTiming(TimingStamps.of(frame, outcome.inferenceStartUs, outcome.inferenceEndUs,
                        outcome.batchSize, outcome.emitUs));
        float[] anchors = outcome.anchors;
        if (anchors != null) {
            for (int i = 0; i < anchors.length / 2; i++) {
                response.addAnchors(Anchor.newBuilder()
                        .setName(FaceGeometry.AR_ANCHORS.get(i).name())
                        .setX(anchors[2 * i])
                        .setY(anchors[2 * i + 1]));
            }
        }
        if (outcome.poseRates != null && anchors != null) {
            response.setMotion(motion(outcome, frame.captureTimeUs));
        }
        return new ProducerRecord<>(
                frame.replyTo != null ? ReplyTopics.coordinates(frame.replyTo) : topics.topicFor(frame.sessionId),
                frame.sessionId.getBytes(StandardCharsets.UTF_8),
                response.build().toByteArray());
    }

    private static Motion motion(InferenceOutcome outcome, long captureTimeUs) {
        float[] rates = outcome.poseRates;
        Motion.Builder motion = Motion.newBuilder()
                .setCaptureTimeUs(captureTimeUs)
                .setPoseRates(PoseRates.newBuilder()
                        .setYawDegPerS(rates[0])
                        .setPitchDegPerS(rates[1])
                        .setRollDegPerS(rates[2])
                        .setXMPerS(rates[3])
                        .setYMPerS(rates[4])
                        .setZMPerS(rates[5]));
        float[] velocities = outcome.anchorVelocities;
        for (int i = 0; i < velocities.length / 2; i++) {
            motion.addAnchorVelocities(AnchorVelocity.newBuilder()
                    .setName(FaceGeometry.AR_ANCHORS.get(i).name())
                    .setXPxPerS(velocities[2 * i])
                    .setYPxPerS(velocities[2 * i + 1]));
        }
        return motion.build();
    }
}
