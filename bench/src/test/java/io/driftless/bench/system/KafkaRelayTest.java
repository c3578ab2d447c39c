package io.driftless.bench.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import io.driftless.inference.pose.PoseModelAdapter;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.InferenceOutcome;
import io.driftless.job.ResponseTopicPattern;
import io.driftless.job.kafka.CoordinatesSerializer;
import io.driftless.proto.Anchor;
import io.driftless.proto.ArCoordinates;
import io.driftless.proto.Frame;
import io.driftless.proto.Landmarks;
import io.driftless.source.SyntheticConfig;
import io.driftless.source.internal.SessionIds;
import io.driftless.source.internal.SyntheticUsers;
import org.junit.jupiter.api.Test;

class KafkaRelayTest {

    private static final long CAPTURE_US = 1_765_000_000_000_000L;

    private static Frame syntheticFrame() {
        SyntheticConfig config = SyntheticConfig.builder().bootstrapServers("unused:9092").users(1).build();
        SyntheticUsers users = new SyntheticUsers(config, new SessionIds("relay-test", 1));
        return users.frame(0, 30, users.truth(0, 1.0), CAPTURE_US, CAPTURE_US + 1_500);
    }

    /** The job's answer to {@code frame} as its coordinates sink writes it, for a head in motion. */
    private static byte[] jobAnswer(Frame frame) {
        Landmarks landmarks = frame.getLandmarks();
        PinholeCamera camera = PinholeCamera.of(landmarks.getImageWidth(), landmarks.getImageHeight(),
                landmarks.getFocalLengthPx());
        HeadPose pose = new HeadPose(12.3, -4.5, 2.1, 0.021, -0.013, 0.48);
        double[] rates = {35.2, -8.1, 3.3, 0.012, -0.004, 0.002};
        FrameEnvelope envelope = new FrameEnvelope();
        envelope.sessionId = frame.getSessionId();
        envelope.sequence = frame.getSequence();
        envelope.captureTimeUs = frame.getCaptureTimeUs();
        envelope.sendTimeUs = frame.getSendTimeUs();
        envelope.deadlineMs = frame.getDeadlineMs();
        envelope.brokerAppendUs = CAPTURE_US + 2_000;
        envelope.ingestUs = CAPTURE_US + 3_000;
        envelope.clockOffsetUs = -1_234;
        InferenceOutcome outcome = new InferenceOutcome();
        outcome.frame = envelope;
        outcome.model = PoseModelAdapter.MODEL_NAME;
        outcome.packPose(pose, 0.97f);
        outcome.anchors = FaceGeometry.projectAnchors(pose, camera);
        outcome.poseRates = new float[] {35.2f, -8.1f, 3.3f, 0.012f, -0.004f, 0.002f};
        outcome.anchorVelocities = FaceGeometry.anchorVelocities(pose, rates, camera);
        outcome.inferenceStartUs = CAPTURE_US + 3_500;
        outcome.inferenceEndUs = CAPTURE_US + 3_600;
        outcome.batchSize = 1;
        outcome.emitUs = CAPTURE_US + 4_000;
        return new CoordinatesSerializer(new ResponseTopicPattern("driftless.coordinates"))
                .serialize(outcome, null, null).value();
    }

    @Test
    void answersALandmarkFrameWithTheAnchorsAndMotionTheJobsAnswersCarry() throws Exception {
        Frame frame = syntheticFrame();
        ArCoordinates answer = ArCoordinates.parseFrom(
                KafkaRelay.answer(frame, CAPTURE_US + 2_000, CAPTURE_US + 3_000, CAPTURE_US + 3_100));

        assertThat(answer.getSessionId()).isEqualTo(frame.getSessionId());
        assertThat(answer.getSequence()).isEqualTo(frame.getSequence());
        assertThat(answer.getAnchorsList()).extracting(Anchor::getName)
                .containsExactlyElementsOf(FaceGeometry.AR_ANCHORS.stream().map(a -> a.name()).toList());
        Landmarks landmarks = frame.getLandmarks();
        for (Anchor anchor : answer.getAnchorsList()) {
            assertThat(anchor.getX()).isBetween(0f, (float) landmarks.getImageWidth());
            assertThat(anchor.getY()).isBetween(0f, (float) landmarks.getImageHeight());
        }
        assertThat(answer.getMotion().getAnchorVelocitiesCount()).isEqualTo(FaceGeometry.AR_ANCHORS.size());
        assertThat(answer.getTiming().getEmitUs()).isEqualTo(CAPTURE_US + 3_100);
    }

    @Test
    void itsAnswerIsAboutAsLargeAsTheJobsSoTheClientsReadAsMuch() {
        Frame frame = syntheticFrame();
        int relay = KafkaRelay.answer(frame, CAPTURE_US + 2_000, CAPTURE_US + 3_000, CAPTURE_US + 3_100).length;
        int job = jobAnswer(frame).length;
        assertThat((double) relay / job).as("relay %d bytes, job %d", relay, job).isBetween(0.9, 1.05);
    }
}
