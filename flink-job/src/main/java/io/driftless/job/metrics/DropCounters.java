package io.driftless.job.metrics;

import io.driftless.inference.service.Payload;
import io.driftless.proto.DropReason;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * One operator's drops by reason: every drop counts in {@code reason_frames_dropped}, an image
 * frame's in {@code image_reason_frames_dropped} too. Each counter is looked up once; the
 * reasons given to the constructor are registered at once, so they report 0 before the first
 * drop instead of appearing only then.
 */
public final class DropCounters {

    private final MetricGroup all;
    private final MetricGroup image;
    private final Counter[] allByReason = new Counter[DropReason.values().length];
    private final Counter[] imageByReason = new Counter[DropReason.values().length];

    public DropCounters(MetricGroup driftless, DropReason... registered) {
        this.all = driftless;
        this.image = FrameCounters.image(driftless);
        for (DropReason reason : registered) {
            counter(allByReason, all, reason);
            counter(imageByReason, image, reason);
        }
    }

    public void dropped(Payload payload, DropReason reason) {
        counter(allByReason, all, reason).inc();
        if (payload == Payload.IMAGE) {
            counter(imageByReason, image, reason).inc();
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
