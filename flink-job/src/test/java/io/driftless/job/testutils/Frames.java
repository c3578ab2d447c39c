package io.driftless.job.testutils;

import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.InferenceOutcome;

/** Frames and outcomes for operator tests. */
public final class Frames {

    private Frames() {}

    /** A landmark frame as the parser would emit it, sent {@code transitUs} before ingest. */
    public static FrameEnvelope frame(String session, long sequence, long captureUs, long sendUs, long ingestUs) {
        FrameEnvelope frame = new FrameEnvelope();
        frame.sessionId = session;
        frame.sequence = sequence;
        frame.captureTimeUs = captureUs;
        frame.sendTimeUs = sendUs;
        frame.ingestUs = ingestUs;
        frame.deadlineMs = 33;
        frame.keypoints = new float[12];
        frame.imageWidth = 640;
        frame.imageHeight = 480;
        return frame;
    }

    /** A successful pose outcome for a frame whose admission fixed its deadline. */
    public static InferenceOutcome posed(String session, long sequence, long captureUs, long deadlineUs, double yaw) {
        FrameEnvelope frame = frame(session, sequence, captureUs, captureUs, captureUs);
        frame.deadlineUs = deadlineUs;
        return posed(frame, yaw);
    }

    /** A successful pose outcome for a frame as the admission gate let it through. */
    public static InferenceOutcome posed(FrameEnvelope frame, double yaw) {
        InferenceOutcome outcome = new InferenceOutcome();
        outcome.frame = frame;
        outcome.model = "pose-v1";
        outcome.yawDeg = (float) yaw;
        outcome.zM = 0.5f;
        outcome.confidence = 0.9f;
        return outcome;
    }
}
