package io.driftless.job.gate;

import io.driftless.inference.MicroClock;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.FrameInferenceFactory;
import io.driftless.inference.service.Payload;
import io.driftless.job.inference.NativeLibraryRelease;
import io.driftless.job.inference.SharedInference;
import io.driftless.job.metrics.DriftlessMetricGroup;
import io.driftless.job.DriftlessOptions;
import io.driftless.job.metrics.DropCounters;
import io.driftless.job.metrics.PayloadCounter;
import io.driftless.job.record.Drops;
import io.driftless.job.record.FrameDrop;
import io.driftless.proto.DropReason;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decides, per session, which frames are worth inference. Dropping here is load shedding:
 * under overload the model's time goes only to frames that can still make their deadline.
 *
 * <ul>
 *   <li>{@code STALE}: a frame not newer than the session's newest admitted one (reordered or
 *       duplicated), since a newer pose will be, or was, shown already.
 *   <li>{@code LATE_ON_ARRIVAL}: a frame whose remaining budget, by the session's clock
 *       offset estimate, is smaller than what the model currently takes for its payload (a high
 *       percentile of recent requests, queueing included; an image frame costs far more than a
 *       landmark frame, so each payload has its own estimate).
 *   <li>{@code OVERLOADED}: a frame over the session's {@link SessionRateCap}. Checked last, so
 *       only frames that would otherwise go to the model take from the session's bucket, and a
 *       backlog read at once (after an outage, or replayed after a restart) is late, not over
 *       the cap.
 * </ul>
 *
 * <p>The rate cap keeps one session from taking its neighbours' share: the model and its queue
 * serve every session of the TaskManager, so without it a session flooding at twenty times the
 * nominal rate would take the model time of twenty sessions, and the queueing it caused would
 * make everyone's frames later.
 *
 * <p>A session's first frames are judged with the estimate their own few samples give. It
 * can only overstate the offset by the transit time to the broker (well under a millisecond on
 * a healthy path), so the gate may admit a frame that is in truth a little later than it
 * looks, never drop one that is on time; the render gate's check at emit catches the rest.
 */
public class AdmissionGate extends KeyedProcessFunction<String, FrameEnvelope, FrameEnvelope> {

    private static final long serialVersionUID = 1L;

    private final FrameInferenceFactory inference;
    private final int clockWindow;
    private final SessionRateCap rateCap;
    private final long idleTimeoutMs;
    private final MicroClock clock;

    private transient ValueState<AdmissionState> state;
    private transient SharedInference.Lease model;
    private transient PayloadCounter admitted;
    private transient DropCounters dropped;
    private transient volatile long activeSessions;

    public AdmissionGate(FrameInferenceFactory inference, int clockWindow, SessionRateCap rateCap,
            long idleTimeoutMs, MicroClock clock) {
        this.inference = inference;
        this.clockWindow = clockWindow;
        this.rateCap = rateCap;
        this.idleTimeoutMs = idleTimeoutMs;
        this.clock = clock;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("admission", AdmissionState.class));
        NativeLibraryRelease.register(getRuntimeContext());
        model = SharedInference.perTaskManager().acquire(inference.key(), inference, clock);
        MetricGroup metrics = DriftlessMetricGroup.of(getRuntimeContext());
        admitted = new PayloadCounter(metrics, "frames_admitted");
        dropped = new DropCounters(metrics, DropReason.STALE, DropReason.LATE_ON_ARRIVAL, DropReason.OVERLOADED);
        metrics.gauge("expected_inference_micros",
                () -> model.inference().expectedLatencyMicros(Payload.LANDMARKS));
        metrics.gauge("expected_image_inference_micros",
                () -> model.inference().expectedLatencyMicros(Payload.IMAGE));
        // sessions started on this subtask since it (re)started whose state is not yet cleared;
        // sessions restored from a checkpoint join the count only when next cleared and restarted
        metrics.gauge("active_sessions", () -> activeSessions);
    }

    @Override
    public void processElement(FrameEnvelope frame, Context ctx, Collector<FrameEnvelope> out) throws Exception {
        long now = clock.nowMicros();
        AdmissionState session = state.value();
        if (session == null) {
            session = new AdmissionState(clockWindow);
            activeSessions++;
        } else if (session.rate == null) {
            // state from a checkpoint taken before sessions had a rate cap
            session.rate = new SessionRate();
        }
        // the broker's stamp keeps time spent waiting in Kafka out of the offset, so a backlog
        // ages as it should; without it the job's read time is the best there is
        long arrival = frame.brokerAppendUs != 0 ? frame.brokerAppendUs : frame.ingestUs;
        session.clock.add(arrival - frame.sendTimeUs);
        session.lastSeenUs = now;
        session.rate.arrived(now);
        frame.clockOffsetUs = session.clock.offsetUs();
        frame.deadlineUs = frame.captureJobUs() + frame.deadlineMs * 1000L;

        if (session.admittedAny && Long.compareUnsigned(frame.sequence, session.lastSequence) <= 0) {
            dropped.dropped(frame.payload(), model.inference().imageModelFor(frame), DropReason.STALE);
            ctx.output(Drops.TAG, FrameDrop.of(frame, DropReason.STALE, "sequence "
                    + Long.toUnsignedString(frame.sequence) + " is not newer than "
                    + Long.toUnsignedString(session.lastSequence) + ", the newest admitted", now));
        } else {
            long remaining = frame.deadlineUs - now;
            long expected = model.inference().expectedLatencyMicros(frame);
            if (remaining < expected) {
                dropped.dropped(frame.payload(), model.inference().imageModelFor(frame), DropReason.LATE_ON_ARRIVAL);
                ctx.output(Drops.TAG, FrameDrop.of(frame, DropReason.LATE_ON_ARRIVAL, remaining <= 0
                        ? "already " + (-remaining) + " us past its " + frame.deadlineMs + " ms deadline on arrival"
                        : "only " + remaining + " us left of its " + frame.deadlineMs
                                + " ms budget; inference currently takes ~" + expected + " us", now));
            } else if (!session.rate.tryTake(now, rateCap)) {
                dropped.dropped(frame.payload(), model.inference().imageModelFor(frame), DropReason.OVERLOADED);
                ctx.output(Drops.TAG, FrameDrop.of(frame, DropReason.OVERLOADED, "session sends ~"
                        + session.rate.fps() + " fps, over its cap of " + rateCap.maxFps() + " fps (burst "
                        + rateCap.burst() + "); raise " + DriftlessOptions.MAX_SESSION_FPS.key()
                        + " if this rate is expected", now));
            } else {
                session.admittedAny = true;
                session.lastSequence = frame.sequence;
                frame.admittedUs = now;
                admitted.inc(frame.payload());
                out.collect(frame);
            }
        }
        if (session.idleCheckMs == 0) {
            session.idleCheckMs = IdleTimers.schedule(ctx.timerService(), now, idleTimeoutMs);
        }
        state.update(session);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FrameEnvelope> out) throws Exception {
        AdmissionState session = state.value();
        if (session == null) {
            return;
        }
        if (IdleTimers.idle(session.lastSeenUs, clock.nowMicros(), idleTimeoutMs)) {
            state.clear();
            activeSessions = Math.max(0, activeSessions - 1);
        } else if (IdleTimers.isPendingCheck(timestamp, session.idleCheckMs)) {
            session.idleCheckMs = IdleTimers.schedule(ctx.timerService(), session.lastSeenUs, idleTimeoutMs);
            state.update(session);
        }
    }

    @Override
    public void close() throws Exception {
        if (model != null) {
            model.close();
        }
    }
}
