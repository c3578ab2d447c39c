package io.driftless.job.gate;

import io.driftless.inference.flink.DriftlessMetricGroup;
import io.driftless.inference.flink.FrameEnvelope;
import io.driftless.inference.flink.InferenceOutcome;
import io.driftless.job.metrics.FrameCounters;
import io.driftless.proto.DropReason;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * What the render gate sees of every frame's journey, as Flink metrics: for each response,
 * how old it was at emit, how much of its budget was left (slack, and its mirror lateness),
 * and where the time went
 * (waiting in Kafka, passing admission, waiting for the model, running it, rendering); for
 * each drop, its reason.
 *
 * <p>The histograms keep the last {@value #WINDOW} values, so the reporter's quantiles are
 * exact percentiles of recent traffic. The render gate's task thread updates them and the
 * reporter's thread reads them; {@link DescriptiveStatisticsHistogram} synchronizes both.
 */
final class DeliveryMetrics {

    private static final int WINDOW = 4096;

    private final MetricGroup group;
    private final Histogram ageAtEmit;
    private final Histogram slack;
    private final Histogram lateness;
    private final Histogram kafkaQueue;
    private final Histogram admission;
    private final Histogram inferenceWait;
    private final Histogram inference;
    private final Histogram render;
    private final Histogram batchSize;
    private final Counter rendered;
    private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);

    DeliveryMetrics(RuntimeContext context) {
        this.group = DriftlessMetricGroup.of(context);
        this.ageAtEmit = histogram("age_at_emit_micros");
        this.slack = histogram("slack_micros");
        // emit minus deadline: the reporter exports only upper quantiles, and the tail that
        // matters is the smallest slack, so its p99 is minus the 1st percentile of slack
        this.lateness = histogram("lateness_micros");
        this.kafkaQueue = histogram("kafka_queue_micros");
        this.admission = histogram("admission_micros");
        this.inferenceWait = histogram("inference_wait_micros");
        this.inference = histogram("inference_micros");
        this.render = histogram("render_micros");
        this.batchSize = histogram("batch_size");
        this.rendered = group.counter("frames_rendered");
    }

    private Histogram histogram(String name) {
        return group.histogram(name, new DescriptiveStatisticsHistogram(WINDOW));
    }

    void responded(InferenceOutcome outcome) {
        FrameEnvelope frame = outcome.frame;
        rendered.inc();
        ageAtEmit.update(outcome.emitUs - frame.captureJobUs());
        slack.update(frame.deadlineUs - outcome.emitUs);
        lateness.update(outcome.emitUs - frame.deadlineUs);
        if (frame.brokerAppendUs != 0) {
            kafkaQueue.update(frame.ingestUs - frame.brokerAppendUs);
        }
        admission.update(frame.admittedUs - frame.ingestUs);
        inferenceWait.update(outcome.inferenceStartUs - frame.admittedUs);
        inference.update(outcome.inferenceEndUs - outcome.inferenceStartUs);
        render.update(outcome.emitUs - outcome.inferenceEndUs);
        batchSize.update(outcome.batchSize);
    }

    void dropped(DropReason reason) {
        dropped.computeIfAbsent(reason, r -> FrameCounters.dropped(group, r)).inc();
    }
}
