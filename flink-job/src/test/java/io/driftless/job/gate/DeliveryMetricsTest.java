package io.driftless.job.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.inference.service.InferenceOutcome;
import io.driftless.inference.service.Payload;
import io.driftless.job.testutils.Frames;
import io.driftless.proto.DropReason;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.testutils.MetricListener;
import org.junit.jupiter.api.Test;

class DeliveryMetricsTest {

    private static final long T0 = 1_700_000_000_000_000L;

    private final MetricListener listener = new MetricListener();
    private final DeliveryMetrics metrics = new DeliveryMetrics(listener.getMetricGroup());

    @Test
    void imageResponsesHaveTheirOwnAgeModelTimeAndBatchSizeBesideTheTotals() {
        metrics.responded(outcome(1, 4_000, 8), Payload.LANDMARKS);
        metrics.responded(outcome(2, 9_000, 2), Payload.IMAGE);

        assertThat(count("frames_rendered")).isEqualTo(2);
        assertThat(count("image", "frames_rendered")).isEqualTo(1);
        assertThat(histogram("batch_size").getStatistics().getMax()).isEqualTo(8);
        assertThat(histogram("image", "batch_size").getCount()).isEqualTo(1);
        assertThat(histogram("image", "batch_size").getStatistics().getMax()).isEqualTo(2);
        assertThat(histogram("image", "inference_micros").getStatistics().getMax()).isEqualTo(9_000);
        assertThat(histogram("inference_micros").getStatistics().getMin()).isEqualTo(4_000);
        // captured at T0, emitted 20 ms later
        assertThat(histogram("image", "age_at_emit_micros").getStatistics().getMax()).isEqualTo(20_000);
    }

    @Test
    void eachImageModelThatAnsweredHasItsOwnFramesModelTimeAndAge() {
        metrics.responded(answeredBy("yolo11n", 1, 12_000), Payload.IMAGE);
        metrics.responded(answeredBy("yolo11n", 2, 14_000), Payload.IMAGE);
        metrics.responded(answeredBy("resnet18", 3, 3_000), Payload.IMAGE);
        metrics.responded(answeredBy("pose-v1", 4, 400), Payload.LANDMARKS);

        assertThat(count("image", "model", "yolo11n", "frames_rendered")).isEqualTo(2);
        assertThat(count("image", "model", "resnet18", "frames_rendered")).isEqualTo(1);
        assertThat(histogram("image", "model", "yolo11n", "inference_micros").getStatistics().getMax())
                .isEqualTo(14_000);
        assertThat(histogram("image", "model", "resnet18", "inference_micros").getStatistics().getMax())
                .isEqualTo(3_000);
        assertThat(histogram("image", "model", "resnet18", "age_at_emit_micros").getStatistics().getMax())
                .isEqualTo(20_000);
        assertThat(histogram("image", "model", "resnet18", "batch_size").getCount()).isEqualTo(1);
        assertThat(listener.getCounter("image", "model", "pose-v1", "frames_rendered"))
                .as("landmark frames are not an image model's").isEmpty();
        assertThat(count("image", "frames_rendered")).as("every image model's together").isEqualTo(3);
    }

    @Test
    void landmarkResponsesLeaveTheImageMetricsEmpty() {
        metrics.responded(outcome(1, 4_000, 8), Payload.LANDMARKS);

        assertThat(count("image", "frames_rendered")).isZero();
        assertThat(histogram("image", "inference_micros").getCount()).isZero();
        assertThat(histogram("age_at_emit_micros").getCount()).isEqualTo(1);
    }

    @Test
    void imageDropsCountByReasonUnderTheImageGroupAndInTheTotal() {
        metrics.dropped(Payload.IMAGE, null, DropReason.DEADLINE_EXCEEDED);
        metrics.dropped(Payload.LANDMARKS, null, DropReason.DEADLINE_EXCEEDED);

        assertThat(count("reason", "DEADLINE_EXCEEDED", "frames_dropped")).isEqualTo(2);
        assertThat(count("image", "reason", "DEADLINE_EXCEEDED", "frames_dropped")).isEqualTo(1);
    }

    @Test
    void aModelsDropsCountBesideItsRenderedFrames() {
        metrics.responded(answeredBy("yolo11n", 1, 12_000), Payload.IMAGE);
        metrics.dropped(Payload.IMAGE, "yolo11n", DropReason.DEADLINE_EXCEEDED);
        metrics.dropped(Payload.IMAGE, "yolo11n", DropReason.DEADLINE_EXCEEDED);
        metrics.dropped(Payload.IMAGE, "resnet18", DropReason.STALE);

        assertThat(count("image", "model", "yolo11n", "frames_rendered")).isEqualTo(1);
        assertThat(count("image", "model", "yolo11n", "reason", "DEADLINE_EXCEEDED", "frames_dropped")).isEqualTo(2);
        assertThat(count("image", "model", "resnet18", "reason", "STALE", "frames_dropped")).isEqualTo(1);
        assertThat(count("image", "reason", "DEADLINE_EXCEEDED", "frames_dropped")).isEqualTo(2);
    }

    private static InferenceOutcome outcome(long sequence, long modelMicros, int batchSize) {
        InferenceOutcome outcome = Frames.posed("alice", sequence, T0, T0 + 33_000, 0);
        outcome.frame.admittedUs = T0 + 1_000;
        outcome.inferenceStartUs = T0 + 2_000;
        outcome.inferenceEndUs = outcome.inferenceStartUs + modelMicros;
        outcome.batchSize = batchSize;
        outcome.emitUs = T0 + 20_000;
        return outcome;
    }

    private static InferenceOutcome answeredBy(String model, long sequence, long modelMicros) {
        InferenceOutcome outcome = outcome(sequence, modelMicros, 1);
        outcome.model = model;
        return outcome;
    }

    private long count(String... path) {
        return listener.getCounter(path).map(Counter::getCount)
                .orElseThrow(() -> new AssertionError("no counter " + String.join(".", path)));
    }

    private Histogram histogram(String... path) {
        return listener.getHistogram(path)
                .orElseThrow(() -> new AssertionError("no histogram " + String.join(".", path)));
    }
}
