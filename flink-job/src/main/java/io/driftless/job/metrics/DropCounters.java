package io.driftless.job.metrics;

import io.driftless.inference.service.Payload;
import io.driftless.proto.DropReason;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * One operator's drops by reason: every drop counts in {@code reason_frames_dropped}, an image
 * frame's in {@code image_reason_frames_dropped} too, and once more under the image model that
 * served it, or was to, in {@code image_model_reason_frames_dropped} (Prometheus labels {@code
 * model} and {@code reason}). The model names are those the job serves, never one a frame asked
 * for: a frame that names a model the job does not serve, and one refused at parse, count in the
 * totals alone. Each
 * counter is looked up once; the reasons given to the constructor are registered at once, so
 * they report 0 before the first drop instead of appearing only then.
 */
public final class DropCounters {

    private final MetricGroup all;
    private final MetricGroup image;
    private final Counter[] allByReason = new Counter[DropReason.values().length];
    private final Counter[] imageByReason = new Counter[DropReason.values().length];
    private final Map<String, Counter[]> byModel = new HashMap<>();

    public DropCounters(MetricGroup driftless, DropReason... registered) {
        this.all = driftless;
        this.image = FrameCounters.image(driftless);
        for (DropReason reason : registered) {
            counter(allByReason, all, reason);
            counter(imageByReason, image, reason);
        }
    }

    public void dropped(Payload payload, DropReason reason) {
        dropped(payload, null, reason);
    }

    /** @param model the image model that served the frame, or was to; null when there is none */
    public void dropped(Payload payload, String model, DropReason reason) {
        counter(allByReason, all, reason).inc();
        if (payload == Payload.IMAGE) {
            counter(imageByReason, image, reason).inc();
            if (model != null) {
                Counter[] modelByReason = byModel.computeIfAbsent(model, m -> new Counter[DropReason.values().length]);
                Counter counter = modelByReason[reason.ordinal()];
                if (counter == null) {
                    counter = FrameCounters.dropped(image.addGroup("model", model), reason);
                    modelByReason[reason.ordinal()] = counter;
                }
                counter.inc();
            }
        }
    }

    private static Counter counter(Counter[] byReason, MetricGroup group, DropReason reason) {
        Counter counter = byReason[reason.ordinal()];
        if (counter == null) {
            counter = FrameCounters.dropped(group, reason);
            byReason[reason.ordinal()] = counter;
        }
        return counter;
    }
}
