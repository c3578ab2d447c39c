package io.driftless.inference.flink;

import io.driftless.proto.DropReason;

/**
 * What the inference stage makes of one frame: a result, or the reason there is none.
 *
 * <p>An async function has no side outputs, so failures travel in the main stream as
 * outcomes with a {@link #dropReason}; the render gate turns them into drops.
 */
public class InferenceOutcome {

    public FrameEnvelope frame;
    /** Null when the model produced a result. */
    public DropReason dropReason;
    public String detail;
    public String model;
    public long inferenceStartUs;
    public long inferenceEndUs;
    public int batchSize;

    public float yawDeg;
    public float pitchDeg;
    public float rollDeg;
    public float xM;
    public float yM;
    public float zM;
    public float confidence;

    /** Screen-space AR anchors, x0, y0, ..., set by the render gate after smoothing. */
    public float[] anchors;
    /** When the render gate emitted the response. */
    public long emitUs;

    public InferenceOutcome() {}

    public static InferenceOutcome dropped(FrameEnvelope frame, DropReason reason, String detail) {
        InferenceOutcome outcome = new InferenceOutcome();
        outcome.frame = frame;
        outcome.dropReason = reason;
        outcome.detail = detail;
        return outcome;
    }

    public boolean succeeded() {
        return dropReason == null;
    }
}
