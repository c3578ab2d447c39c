package io.driftless.job.metrics;

import io.driftless.proto.DropReason;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The frame counters every operator shares, named so that PromQL sums them across operators:
 * {@code frames_in} (parse), {@code frames_admitted} (admission gate), {@code frames_rendered}
 * (render gate) and {@code frames_dropped} with a {@code reason} label (wherever a frame is
 * dropped). With them the on-time ratio is {@code rendered / (rendered + dropped)}.
 */
public final class FrameCounters {

    private FrameCounters() {}

    /** Reported as {@code <group>_reason_frames_dropped{reason="..."}}. */
    public static Counter dropped(MetricGroup driftless, DropReason reason) {
        return driftless.addGroup("reason", reason.name()).counter("frames_dropped");
    }
}
