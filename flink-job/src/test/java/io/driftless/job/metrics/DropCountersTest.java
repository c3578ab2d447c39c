package io.driftless.job.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.inference.service.Payload;
import io.driftless.proto.DropReason;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.testutils.MetricListener;
import org.junit.jupiter.api.Test;

class DropCountersTest {

    private final MetricListener metrics = new MetricListener();

    @Test
    void countsEveryDropInTheTotalAndImageDropsUnderTheImageGroupToo() {
        DropCounters dropped = new DropCounters(metrics.getMetricGroup());

        dropped.dropped(Payload.LANDMARKS, DropReason.STALE);
        dropped.dropped(Payload.IMAGE, DropReason.STALE);
        dropped.dropped(Payload.IMAGE, DropReason.DEADLINE_EXCEEDED);

        assertThat(count("reason", "STALE", "frames_dropped")).isEqualTo(2);
        assertThat(count("reason", "DEADLINE_EXCEEDED", "frames_dropped")).isEqualTo(1);
        assertThat(count("image", "reason", "STALE", "frames_dropped")).isEqualTo(1);
        assertThat(count("image", "reason", "DEADLINE_EXCEEDED", "frames_dropped")).isEqualTo(1);
    }

    @Test
    void countsAnImageDropOnceMoreUnderTheModelThatServedItAndNeverUnderNone() {
        DropCounters dropped = new DropCounters(metrics.getMetricGroup());

        dropped.dropped(Payload.IMAGE, "text-orientation", DropReason.LATE_ON_ARRIVAL);
        dropped.dropped(Payload.IMAGE, "text-orientation", DropReason.LATE_ON_ARRIVAL);
        dropped.dropped(Payload.IMAGE, "yolo11n", DropReason.OVERLOADED);
        // a frame that asked for a model not served, and a landmark frame
        dropped.dropped(Payload.IMAGE, null, DropReason.INVALID);
        dropped.dropped(Payload.LANDMARKS, "pose-v1", DropReason.STALE);

        assertThat(count("image", "model", "text-orientation", "reason", "LATE_ON_ARRIVAL", "frames_dropped"))
                .isEqualTo(2);
        assertThat(count("image", "model", "yolo11n", "reason", "OVERLOADED", "frames_dropped")).isEqualTo(1);
        assertThat(count("image", "reason", "INVALID", "frames_dropped")).isEqualTo(1);
        assertThat(count("reason", "STALE", "frames_dropped")).isEqualTo(1);
        assertThat(metrics.getCounter("image", "model", "pose-v1", "reason", "STALE", "frames_dropped"))
                .as("landmark frames are not an image model's").isEmpty();
    }

    @Test
    void registersTheNamedReasonsAtZeroBeforeTheFirstDrop() {
        new DropCounters(metrics.getMetricGroup(), DropReason.LATE_ON_ARRIVAL);

        assertThat(count("reason", "LATE_ON_ARRIVAL", "frames_dropped")).isZero();
        assertThat(count("image", "reason", "LATE_ON_ARRIVAL", "frames_dropped")).isZero();
        assertThat(metrics.getCounter("reason", "STALE", "frames_dropped")).isEmpty();
    }

    @Test
    void payloadCounterCountsImageFramesTwiceOverAndLandmarkFramesOnlyInTheTotal() {
        PayloadCounter in = new PayloadCounter(metrics.getMetricGroup(), "frames_in");

        in.inc(Payload.LANDMARKS);
        in.inc(Payload.LANDMARKS);
        in.inc(Payload.IMAGE);

        assertThat(count("frames_in")).isEqualTo(3);
        assertThat(count("image", "frames_in")).isEqualTo(1);
    }

    private long count(String... path) {
        return metrics.getCounter(path).map(Counter::getCount)
                .orElseThrow(() -> new AssertionError("no counter " + String.join(".", path)));
    }
}
