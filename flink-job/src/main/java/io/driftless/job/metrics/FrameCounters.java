package io.driftless.job.metrics;

import io.driftless.proto.DropReason;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The frame counters every operator shares, named so that PromQL sums them across operators:
 * {@code frames_in} (parse), {@code frames_admitted} (admission gate), {@code frames_rendered}
 * (render gate) and {@code frames_dropped} with a {@code reason} label (wherever a frame is
 * dropped). With them the on-time ratio is {@code rendered / (rendered + dropped)}.
 *
 * <p>Image (JPEG) frames count in these totals and again under the {@value #IMAGE} group
 * ({@code image_frames_in}, {@code image_reason_frames_dropped}, ...), so the video path has its
 * own throughput and drops beside the totals without a dashboard having to subtract.
 */
public final class FrameCounters {

    /** The subgroup of image frames' own metrics. */
    public static final String IMAGE = "image";

    private FrameCounters() {}

    /** Reported as {@code <group>_reason_frames_dropped{reason="..."}}. */
    public static Counter dropped(MetricGroup driftless, DropReason reason) {
        return driftless.addGroup("reason", reason.name()).counter("frames_dropped");
    }

    /** The group of image frames' metrics under {@code driftless}: {@code <group>_image_<metric>}. */
    public static MetricGroup image(MetricGroup driftless) {
        return driftless.addGroup(IMAGE);
    }
}
