package io.driftless.job.metrics;

import io.driftless.inference.service.Payload;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * A frame counter with the image share beside the total: every frame counts in
 * {@code <name>}, an image frame in {@code image_<name>} too.
 */
public final class PayloadCounter {

    private final Counter all;
    private final Counter image;

    public PayloadCounter(MetricGroup driftless, String name) {
        this.all = driftless.counter(name);
        this.image = FrameCounters.image(driftless).counter(name);
    }

    public void inc(Payload payload) {
        all.inc();
        if (payload == Payload.IMAGE) {
            image.inc();
        }
    }
}
