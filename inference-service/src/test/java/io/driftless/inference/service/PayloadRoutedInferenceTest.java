package io.driftless.inference.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PayloadRoutedInferenceTest {

    private final RecordingInference pose = new RecordingInference("pose", 300);
    private final RecordingInference face = new RecordingInference("face", 9_000);
    private final PayloadRoutedInference routed = new PayloadRoutedInference(pose, face);

    @Test
    void servesLandmarksWithThePoseModelAndImagesWithTheFaceModel() {
        FrameEnvelope landmarks = new FrameEnvelope();
        landmarks.keypoints = new float[12];
        FrameEnvelope image = new FrameEnvelope();
        image.jpeg = new byte[] {(byte) 0xFF, (byte) 0xD8};

        assertThat(routed.infer(landmarks).join().model).isEqualTo("pose");
        assertThat(routed.infer(image).join().model).isEqualTo("face");
        assertThat(pose.served).containsExactly(landmarks);
        assertThat(face.served).containsExactly(image);
    }

    @Test
    void expectsEachPayloadToTakeWhatItsOwnModelTakes() {
        assertThat(routed.expectedLatencyMicros(Payload.LANDMARKS)).isEqualTo(300);
        assertThat(routed.expectedLatencyMicros(Payload.IMAGE)).isEqualTo(9_000);
        assertThat(routed.expectedLatencyMicros()).isEqualTo(300);
    }

    @Test
    void closesBothModels() throws Exception {
        routed.close();

        assertThat(pose.closed).isTrue();
        assertThat(face.closed).isTrue();
    }
}
