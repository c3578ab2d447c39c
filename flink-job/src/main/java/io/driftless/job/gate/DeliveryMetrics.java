package io.driftless.job.gate;

import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.InferenceOutcome;
import io.driftless.inference.service.Payload;
import io.driftless.job.metrics.DropCounters;
import io.driftless.job.metrics.FrameCounters;
import io.driftless.job.metrics.PayloadCounter;
import io.driftless.proto.DropReason;
import java.util.HashMap;
import java.util.Map;
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
 * <p>Image frames also have their own age, model time and batch size under the
 * {@value FrameCounters#IMAGE} group: mixed into the totals, a few slow image frames would hide
 * among many fast landmark frames. A job may serve several image models, chosen per frame, so
 * the same figures and the frames rendered come once more per model that answered, under
 * {@code image.model=<name>} (a Prometheus label {@code model}), and so do the drops of the
 * frames a model answered; the names are those the job serves, never one a frame asked for.
 *
 * <p>The histograms keep the last {@value #WINDOW} values, so the reporter's quantiles are
 * exact percentiles of recent traffic. The render gate's task thread updates them and the
 * reporter's thread reads them; {@link DescriptiveStatisticsHistogram} synchronizes both.
 */
final class DeliveryMetrics {

    private static final int WINDOW = 4096;

    private final Histogram ageAtEmit;
    private final Histogram slack;
    private final Histogram lateness;
    private final Histogram kafkaQueue;
    private final Histogram admission;
    private final Histogram inferenceWait;
    private final Histogram inference;
    private final Histogram render;
    private final Histogram batchSize;
    private final PayloadCounter rendered;
    private final DropCounters dropped;
    private final MetricGroup image;
    private final ImageFigures allImages;
    private final Map<String, ModelFigures> byModel = new HashMap<>();

    /** Registers the metrics under {@code driftless}, the operator's driftless group. */
    DeliveryMetrics(MetricGroup driftless) {
        this.ageAtEmit = histogram(driftless, "age_at_emit_micros");
        this.slack = histogram(driftless, "slack_micros");
        // emit minus deadline: the reporter exports only upper quantiles, and the tail that
        // matters is the smallest slack, so its p99 is minus the 1st percentile of slack
        this.lateness = histogram(driftless, "lateness_micros");
        this.kafkaQueue = histogram(driftless, "kafka_queue_micros");
        this.admission = histogram(driftless, "admission_micros");
        this.inferenceWait = histogram(driftless, "inference_wait_micros");
        this.inference = histogram(driftless, "inference_micros");
        this.render = histogram(driftless, "render_micros");
        this.batchSize = histogram(driftless, "batch_size");
        this.image = FrameCounters.image(driftless);
        this.allImages = new ImageFigures(image);
        this.rendered = new PayloadCounter(driftless, "frames_rendered");
        this.dropped = new DropCounters(driftless);
    }

    private static Histogram histogram(MetricGroup group, String name) {
        return group.histogram(name, new DescriptiveStatisticsHistogram(WINDOW));
    }

    /** {@code payload} is the frame's, taken before the render gate cleared it from the frame. */
    void responded(InferenceOutcome outcome, Payload payload) {
        FrameEnvelope frame = outcome.frame;
        rendered.inc(payload);
        long age = outcome.emitUs - frame.captureJobUs();
        long model = outcome.inferenceEndUs - outcome.inferenceStartUs;
        ageAtEmit.update(age);
        slack.update(frame.deadlineUs - outcome.emitUs);
        lateness.update(outcome.emitUs - frame.deadlineUs);
        if (frame.brokerAppendUs != 0) {
            kafkaQueue.update(frame.ingestUs - frame.brokerAppendUs);
        }
        admission.update(frame.admittedUs - frame.ingestUs);
        inferenceWait.update(outcome.inferenceStartUs - frame.admittedUs);
        inference.update(model);
        render.update(outcome.emitUs - outcome.inferenceEndUs);
        batchSize.update(outcome.batchSize);
        if (payload == Payload.IMAGE) {
            allImages.update(age, model, outcome.batchSize);
            if (outcome.model != null) {
                ModelFigures served = byModel.computeIfAbsent(outcome.model, name -> {
                    MetricGroup group = image.addGroup("model", name);
                    return new ModelFigures(group.counter("frames_rendered"), new ImageFigures(group));
                });
                served.rendered().inc();
                served.figures().update(age, model, outcome.batchSize);
            }
        }
    }

    /** @param model the image model that answered the frame, or null */
    void dropped(Payload payload, String model, DropReason reason) {
        dropped.dropped(payload, model, reason);
    }

    /** Age at emit, model time and batch size of image frames: all of them, or one model's. */
    private static final class ImageFigures {

        private final Histogram ageAtEmit;
        private final Histogram inference;
        private final Histogram batchSize;

        ImageFigures(MetricGroup group) {
            this.ageAtEmit = histogram(group, "age_at_emit_micros");
            this.inference = histogram(group, "inference_micros");
            this.batchSize = histogram(group, "batch_size");
        }

        void update(long age, long model, int batch) {
            ageAtEmit.update(age);
            inference.update(model);
            batchSize.update(batch);
        }
    }

    /** One image model's frames rendered and figures. */
    private record ModelFigures(Counter rendered, ImageFigures figures) {}
}
