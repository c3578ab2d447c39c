package io.driftless.inference.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PayloadRoutedInferenceTest {

    /** A backend that answers at once and remembers what it served. */
    private static final class Recording implements FrameInference {
        final String name;
        final long expectedMicros;
        final List<FrameEnvelope> served = new ArrayList<>();
        boolean closed;

        Recording(String name, long expectedMicros) {
            this.name = name;
            this.expectedMicros = expectedMicros;
        }

        @Override
        public String modelName() {
            return name;
        }

        @Override
        public CompletableFuture<InferenceOutcome> infer(FrameEnvelope frame) {
            served.add(frame);
            InferenceOutcome outcome = new InferenceOutcome();
            outcome.frame = frame;
            outcome.model = name;
            return CompletableFuture.completedFuture(outcome);
        }

        @Override
        public long expectedLatencyMicros() {
            return expectedMicros;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final Recording pose = new Recording("pose", 300);
    private final Recording face = new Recording("face", 9_000);
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
