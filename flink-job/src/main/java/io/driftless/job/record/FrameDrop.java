package io.driftless.job.record;

import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.InferenceOutcome;
import io.driftless.proto.DropReason;

/** A frame that will not be rendered, and why; becomes a DroppedFrame on the dropped topic. */
public class FrameDrop {

    /** What is known of the frame; for undecodable records only the session and stamps. */
    public FrameEnvelope frame;
    public DropReason reason;
    public String detail;
    public long inferenceStartUs;
    public long inferenceEndUs;
    public int batchSize;
    public long emitUs;

    public FrameDrop() {}

    /** Takes over {@code frame}, which the caller no longer uses: the payload is cleared. */
    public static FrameDrop of(FrameEnvelope frame, DropReason reason, String detail, long emitUs) {
        FrameDrop drop = new FrameDrop();
        // not needed downstream; keeps drops small on the wire
        frame.keypoints = null;
        frame.jpeg = null;
        drop.frame = frame;
        drop.reason = reason;
        drop.detail = detail;
        drop.emitUs = emitUs;
        return drop;
    }

    public static FrameDrop of(InferenceOutcome outcome, DropReason reason, String detail, long emitUs) {
        FrameDrop drop = of(outcome.frame, reason, detail, emitUs);
        drop.inferenceStartUs = outcome.inferenceStartUs;
        drop.inferenceEndUs = outcome.inferenceEndUs;
        drop.batchSize = outcome.batchSize;
        return drop;
    }
}
