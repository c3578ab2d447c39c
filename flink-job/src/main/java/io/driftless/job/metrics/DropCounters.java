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
 * totals alone. Each counter is looked up once; the reasons given to the constructor are
 * registered at once, so they report 0 before the first drop instead of appearing only then.
 */
public final class DropCounters {

    private final MetricGroup image;
    private final ByReason all;
    private final ByReason allImages;
    private final Map<String, ByReason> byModel = new HashMap<>();

    public DropCounters(MetricGroup driftless, DropReason... registered) {
        this.image = FrameCounters.image(driftless);
        this.all = new ByReason(driftless);
        this.allImages = new ByReason(image);
        for (DropReason reason : registered) {
            all.counter(reason);
            allImages.counter(reason);
        }
    }

    public void dropped(Payload payload, DropReason reason) {
        dropped(payload, null, reason);
    }

    /** @param model the image model that served the frame, or was to; null when there is none */
    public void dropped(Payload payload, String model, DropReason reason) {
        all.counter(reason).inc();
        if (payload == Payload.IMAGE) {
            allImages.counter(reason).inc();
            if (model != null) {
                byModel.computeIfAbsent(model, name -> new ByReason(image.addGroup("model", name)))
                        .counter(reason).inc();
            }
        }
    }

    /** The drop counters of one group, each registered on its first use. */
    private static final class ByReason {

        private final MetricGroup group;
        private final Counter[] counters = new Counter[DropReason.values().length];

        ByReason(MetricGroup group) {
            this.group = group;
        }

        Counter counter(DropReason reason) {
            Counter counter = counters[reason.ordinal()];
            if (counter == null) {
                counter = FrameCounters.dropped(group, reason);
                counters[reason.ordinal()] = counter;
            }
            return counter;
        }
    }
}
