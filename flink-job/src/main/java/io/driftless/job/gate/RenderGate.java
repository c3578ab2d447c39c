package io.driftless.job.gate;

import io.driftless.inference.MicroClock;
import io.driftless.job.metrics.DriftlessMetricGroup;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.InferenceOutcome;
import io.driftless.inference.service.Payload;
import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import io.driftless.job.DriftlessOptions.Smoothing;
import io.driftless.job.record.Drops;
import io.driftless.job.record.FrameDrop;
import io.driftless.proto.DropReason;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The last word on every inferred frame: failed inference becomes a drop with its reason; a
 * frame older than one already rendered is {@code STALE} (inference is unordered, so an older
 * frame can finish after a newer one); a result that is ready after its deadline is
 * {@code DEADLINE_EXCEEDED}. What remains updates the session's motion state ({@link
 * MotionFilter}), is drawn at the pose that state estimates (or as {@link Smoothing} says), gets its
 * AR anchors and, once the motion state knows them, the pose rates and anchor velocities at its
 * capture instant, and is emitted. An
 * image frame's response is its annotated frame plus, when a face was found, the coordinates of
 * the first face: one response, drawn and checked like a landmark frame's. An annotated JPEG
 * larger than a response record may be is {@code INVALID}: the sink would fail on it, and the
 * job with it, on every replay.
 */
public class RenderGate extends KeyedProcessFunction<String, InferenceOutcome, InferenceOutcome> {

    private static final long serialVersionUID = 1L;

    private final Smoothing smoothing;
    private final long idleTimeoutMs;
    private final int maxAnnotatedJpegBytes;
    private final MicroClock clock;

    private transient ValueState<RenderState> state;
    private transient DeliveryMetrics metrics;
    private transient KalmanWorkspace workspace;

    /**
     * @param maxAnnotatedJpegBytes the largest annotated JPEG that still fits a record of the
     *     annotated-frames topic, with its detections
     */
    public RenderGate(Smoothing smoothing, long idleTimeoutMs, int maxAnnotatedJpegBytes, MicroClock clock) {
        this.smoothing = smoothing;
        this.idleTimeoutMs = idleTimeoutMs;
        this.maxAnnotatedJpegBytes = maxAnnotatedJpegBytes;
        this.clock = clock;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("render", RenderState.class));
        metrics = new DeliveryMetrics(DriftlessMetricGroup.of(getRuntimeContext()));
        workspace = new KalmanWorkspace();
    }

    @Override
    public void processElement(InferenceOutcome outcome, Context ctx, Collector<InferenceOutcome> out)
            throws Exception {
        FrameEnvelope frame = outcome.frame;
        Payload payload = frame.payload();
        if (!outcome.succeeded()) {
            metrics.dropped(payload, outcome.model, outcome.dropReason);
            ctx.output(Drops.TAG, FrameDrop.of(outcome, outcome.dropReason, outcome.detail, clock.nowMicros()));
            return;
        }
        RenderState session = state.value();
        if (session == null) {
            session = new RenderState();
        }
        session.lastSeenUs = clock.nowMicros();
        if (session.renderedAny && Long.compareUnsigned(frame.sequence, session.lastSequence) <= 0) {
            metrics.dropped(payload, outcome.model, DropReason.STALE);
            ctx.output(Drops.TAG, FrameDrop.of(outcome, DropReason.STALE, "sequence "
                    + Long.toUnsignedString(frame.sequence) + " finished after sequence "
                    + Long.toUnsignedString(session.lastSequence) + " was already rendered", session.lastSeenUs));
        } else {
            // a result that turns out late still updates the filter: it is the newest measurement
            float[] anchors = null;
            HeadPose pose = null;
            double[] rates = null;
            PinholeCamera camera = null;
            if (!outcome.withoutPose) {
                double[] measured = {outcome.yawDeg, outcome.pitchDeg, outcome.rollDeg, outcome.xM, outcome.yM,
                    outcome.zM};
                camera = PinholeCamera.of(frame.imageWidth, frame.imageHeight, frame.focalLengthPx);
                TrackedPose tracked = session.track(measured, camera, outcome.frame.captureTimeUs, smoothing, workspace);
                pose = tracked.drawn();
                rates = tracked.rates();
                anchors = FaceGeometry.projectAnchors(pose, camera);
            }
            long emit = clock.nowMicros();
            if (outcome.annotatedJpeg != null && outcome.annotatedJpeg.length > maxAnnotatedJpegBytes) {
                metrics.dropped(payload, outcome.model, DropReason.INVALID);
                ctx.output(Drops.TAG, FrameDrop.of(outcome, DropReason.INVALID, "the annotated frame is "
                        + outcome.annotatedJpeg.length + " bytes, over the " + maxAnnotatedJpegBytes
                        + " a response may carry: send smaller or more compressible frames, or raise "
                        + "driftless.input.max-frame-size (and the annotated topic's max.message.bytes)", emit));
            } else if (emit > frame.deadlineUs) {
                metrics.dropped(payload, outcome.model, DropReason.DEADLINE_EXCEEDED);
                ctx.output(Drops.TAG, FrameDrop.of(outcome, DropReason.DEADLINE_EXCEEDED, "result ready "
                        + (emit - frame.deadlineUs) + " us after the " + frame.deadlineMs + " ms deadline", emit));
            } else {
                if (pose != null) {
                    outcome.yawDeg = (float) pose.yawDeg();
                    outcome.pitchDeg = (float) pose.pitchDeg();
                    outcome.rollDeg = (float) pose.rollDeg();
                    outcome.xM = (float) pose.xM();
                    outcome.yM = (float) pose.yM();
                    outcome.zM = (float) pose.zM();
                    outcome.anchors = anchors;
                    if (rates != null) {
                        outcome.poseRates = toFloats(rates);
                        outcome.anchorVelocities = FaceGeometry.anchorVelocities(pose, rates, camera);
                    }
                }
                outcome.emitUs = emit;
                // the client's payload is not part of the response
                frame.keypoints = null;
                frame.jpeg = null;
                session.renderedAny = true;
                session.lastSequence = frame.sequence;
                metrics.responded(outcome, payload);
                out.collect(outcome);
            }
        }
        if (session.idleCheckMs == 0) {
            session.idleCheckMs = IdleTimers.schedule(ctx.timerService(), session.lastSeenUs, idleTimeoutMs);
        }
        state.update(session);
    }

    private static float[] toFloats(double[] values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<InferenceOutcome> out) throws Exception {
        RenderState session = state.value();
        if (session == null) {
            return;
        }
        if (IdleTimers.idle(session.lastSeenUs, clock.nowMicros(), idleTimeoutMs)) {
            state.clear();
        } else if (IdleTimers.isPendingCheck(timestamp, session.idleCheckMs)) {
            session.idleCheckMs = IdleTimers.schedule(ctx.timerService(), session.lastSeenUs, idleTimeoutMs);
            state.update(session);
        }
    }
}
