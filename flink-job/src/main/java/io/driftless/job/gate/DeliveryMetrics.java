package io.driftless.job.gate;

import io.driftless.inference.flink.FrameEnvelope;
import io.driftless.inference.flink.InferenceOutcome;
import io.driftless.proto.DropReason;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * What the render gate sees of every frame's journey, as Flink metrics: for each response,
 * how old it was at emit, how much of its budget was left (slack), and where the time went
 * (waiting in Kafka, reaching the model, running it, rendering); for each drop, its reason.
 *
 * <p>Updated only from the render gate's task thread; the histograms keep the last
 * {@value #WINDOW} values, so the reporter's quantiles describe recent traffic.
 */
final class DeliveryMetrics {

    private static final int WINDOW = 4096;

    private final MetricGroup group;
    private final Histogram ageAtEmit;
    private final Histogram slack;
    private final Histogram kafkaQueue;
    private final Histogram toInference;
    private final Histogram inference;
    private final Histogram render;
    private final Histogram batchSize;
    private final Counter rendered;
    private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);

    DeliveryMetrics(MetricGroup group) {
        this.group = group;
        this.ageAtEmit = histogram("ageAtEmitMicros");
        this.slack = histogram("slackMicros");
        this.kafkaQueue = histogram("kafkaQueueMicros");
        this.toInference = histogram("toInferenceMicros");
        this.inference = histogram("inferenceMicros");
        this.render = histogram("renderMicros");
        this.batchSize = histogram("batchSize");
        this.rendered = group.counter("framesRendered");
    }

    private Histogram histogram(String name) {
        return group.histogram(name, new DescriptiveStatisticsHistogram(WINDOW));
    }

    void responded(InferenceOutcome outcome) {
        FrameEnvelope frame = outcome.frame;
        rendered.inc();
        ageAtEmit.update(outcome.emitUs - frame.captureJobUs());
        slack.update(frame.deadlineUs - outcome.emitUs);
        if (frame.brokerAppendUs != 0) {
            kafkaQueue.update(frame.ingestUs - frame.brokerAppendUs);
        }
        toInference.update(outcome.inferenceStartUs - frame.ingestUs);
        inference.update(outcome.inferenceEndUs - outcome.inferenceStartUs);
        render.update(outcome.emitUs - outcome.inferenceEndUs);
        batchSize.update(outcome.batchSize);
    }

    void dropped(DropReason reason) {
        dropped.computeIfAbsent(reason, r -> group.addGroup("reason", r.name()).counter("framesDropped")).inc();
    }
}
