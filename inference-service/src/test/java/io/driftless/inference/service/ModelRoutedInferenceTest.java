package io.driftless.inference.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.driftless.proto.DropReason;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelRoutedInferenceTest {

    private final RecordingInference detector = new RecordingInference("yolo11n", 12_000);
    private final RecordingInference classifier = new RecordingInference("resnet18", 4_000);
    private final ModelRoutedInference routed = new ModelRoutedInference(List.of(detector, classifier));

    private static FrameEnvelope image(String model) {
        FrameEnvelope frame = new FrameEnvelope();
        frame.jpeg = new byte[] {(byte) 0xFF, (byte) 0xD8};
        frame.imageModel = model;
        return frame;
    }

    @Test
    void servesEachFrameWithTheModelItNamesAndTheFirstWhenItNamesNone() {
        FrameEnvelope asksForClassifier = image("resnet18");
        FrameEnvelope namesNone = image(null);

        assertThat(routed.infer(asksForClassifier).join().model).isEqualTo("resnet18");
        assertThat(routed.infer(namesNone).join().model).isEqualTo("yolo11n");
        assertThat(classifier.served).containsExactly(asksForClassifier);
        assertThat(detector.served).containsExactly(namesNone);
    }

    @Test
    void dropsAFrameThatAsksForAModelNotServedAsInvalidAndSaysWhichAre() {
        InferenceOutcome outcome = routed.infer(image("resnet50")).join();

        assertThat(outcome.dropReason).isEqualTo(DropReason.INVALID);
        assertThat(outcome.detail).isEqualTo("the frame asks for image model 'resnet50', which this job does not"
                + " serve; it serves yolo11n, resnet18");
        assertThat(detector.served).isEmpty();
        assertThat(classifier.served).isEmpty();
    }

    @Test
    void expectsEachFrameToTakeWhatTheModelItAsksForTakes() {
        assertThat(routed.expectedLatencyMicros(image("resnet18"))).isEqualTo(4_000);
        assertThat(routed.expectedLatencyMicros(image(null))).isEqualTo(12_000);
        assertThat(routed.expectedLatencyMicros(image("resnet50"))).as("refused at once, whatever its budget").isZero();
        assertThat(new PayloadRoutedInference(new RecordingInference("pose", 300), routed)
                .expectedLatencyMicros(image("resnet18"))).as("through the payload routing").isEqualTo(4_000);
    }

    @Test
    void namesTheModelThatServesEachFrameForItsMetrics() {
        FrameEnvelope landmarks = new FrameEnvelope();
        landmarks.keypoints = new float[12];
        PayloadRoutedInference job = new PayloadRoutedInference(new RecordingInference("pose", 300), routed);

        assertThat(job.imageModelFor(image("resnet18"))).isEqualTo("resnet18");
        assertThat(job.imageModelFor(image(null))).as("the first serves a frame that names none").isEqualTo("yolo11n");
        assertThat(job.imageModelFor(image("resnet50"))).as("not served: no model's").isNull();
        assertThat(job.imageModelFor(landmarks)).as("a landmark frame is no image model's").isNull();
    }

    @Test
    void refusesTwoModelsOfOneNameAndClosesEveryModel() throws Exception {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ModelRoutedInference(List.of(detector, new RecordingInference("yolo11n", 1))))
                .withMessageContaining("two image models are named 'yolo11n'");

        routed.close();

        assertThat(detector.closed).isTrue();
        assertThat(classifier.closed).isTrue();
    }
}
