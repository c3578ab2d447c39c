package io.driftless.job.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.InferenceOutcome;
import io.driftless.job.DriftlessJob;
import io.driftless.job.DriftlessOptions;
import io.driftless.job.DriftlessOptions.Smoothing;
import io.driftless.job.record.Drops;
import io.driftless.job.record.FrameDrop;
import io.driftless.job.testutils.FixedLatencyInference;
import io.driftless.job.testutils.Frames;
import io.driftless.job.testutils.ManualClock;
import io.driftless.proto.DropReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.state.storage.JobManagerCheckpointStorage;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A million short sessions over hours of job time through the two operators that keep state per
 * session, the admission gate feeding the render gate as in the job, with the job's defaults
 * (a 60 s idle timeout, a 64-frame clock window, the motion state's pose drawn). Sessions start at a steady
 * rate, send a few frames at 30 fps and go silent; the job clock and the operators' processing
 * time move one frame interval at a time, so the idle timers fire as they would. Per-session state
 * must then stay bounded by the sessions seen within one idle timeout, in keys, timers (one per
 * session and gate) and snapshot size alike, however many sessions have come and gone; all of it
 * must go once every session is silent; and a session that comes back after its state is gone must
 * be served as new.
 */
class ShortSessionsStateTest {

    private static final long T0 = 1_700_000_000_000_000L;
    private static final int SESSIONS = 1_000_000;
    private static final int FRAMES_PER_SESSION = 3;
    /** One frame interval at 30 fps: the step of the job clock. */
    private static final long TICK_US = 33_333;
    /** 90 sessions start every second. */
    private static final int STARTS_PER_TICK = 3;
    private static final int SNAPSHOTS = 10;

    private static final long IDLE_TIMEOUT_MS = DriftlessOptions.SESSION_IDLE_TIMEOUT.defaultValue().toMillis();
    private static final long IDLE_TIMEOUT_US = IDLE_TIMEOUT_MS * 1_000;

    /**
     * The most sessions that may hold state at once: those that started within the last
     * session's length plus one idle timeout, plus the second by which the idle check is rounded
     * up and the step by which time moves. The two sessions the test sends again add at most one
     * each.
     */
    private static final int KEY_BOUND = STARTS_PER_TICK
            * (FRAMES_PER_SESSION + (int) ((IDLE_TIMEOUT_US + 1_000_000 + TICK_US - 1) / TICK_US) + 1) + 2;
    /** The fewest that must: every session that sent a frame within the last idle timeout. */
    private static final int KEY_FLOOR = STARTS_PER_TICK * (int) (IDLE_TIMEOUT_US / TICK_US);

    private final ManualClock clock = new ManualClock(T0);
    private KeyedOneInputStreamOperatorTestHarness<String, FrameEnvelope, FrameEnvelope> admission;
    private KeyedOneInputStreamOperatorTestHarness<String, InferenceOutcome, InferenceOutcome> render;

    private long checkpoints;
    private long admitted;
    private long rendered;
    private final List<FrameDrop> drops = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        admission = harness(new AdmissionGate(new FixedLatencyInference(2_000),
                DriftlessOptions.CLOCK_WINDOW.defaultValue(),
                new SessionRateCap(DriftlessOptions.MAX_SESSION_FPS.defaultValue(),
                        DriftlessOptions.SESSION_BURST.defaultValue()),
                IDLE_TIMEOUT_MS, clock), new DriftlessJob.SessionKey());
        render = harness(new RenderGate(DriftlessOptions.SMOOTHING.defaultValue(), IDLE_TIMEOUT_MS, 1 << 20, clock),
                new DriftlessJob.OutcomeSessionKey());
        assertThat(DriftlessOptions.SMOOTHING.defaultValue()).isEqualTo(Smoothing.MOTION_STATE);
    }

    private <I> KeyedOneInputStreamOperatorTestHarness<String, I, I> harness(
            KeyedProcessFunction<String, I, I> gate, KeySelector<I, String> key)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, I, I> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(gate), key, Types.STRING);
        // held in memory like the job's checkpoints in tests; the default 5 MiB cap is near a minute of sessions
        harness.setCheckpointStorage(new JobManagerCheckpointStorage(64 << 20));
        harness.setProcessingTime(T0 / 1000);
        harness.open();
        return harness;
    }

    @AfterEach
    void close() throws Exception {
        admission.close();
        render.close();
    }

    private static String session(long index) {
        return "short-" + index;
    }

    /** Moves the job clock and both operators' processing time, firing the timers that are due. */
    private void moveTo(long nowUs) throws Exception {
        clock.set(nowUs);
        admission.setProcessingTime(nowUs / 1000);
        render.setProcessingTime(nowUs / 1000);
    }

    /** A frame captured 1 ms ago, through admission, and what admission lets through, through render. */
    private void send(String session, long sequence) throws Exception {
        long now = clock.nowMicros();
        admission.processElement(new StreamRecord<>(Frames.frame(session, sequence, now - 1_000, now - 300, now)));
        Queue<Object> out = admission.getOutput();
        for (Object record = out.poll(); record != null; record = out.poll()) {
            admitted++;
            FrameEnvelope frame = (FrameEnvelope) ((StreamRecord<?>) record).getValue();
            render.processElement(new StreamRecord<>(Frames.posed(frame, (sequence % 7) - 3)));
        }
        rendered += render.getOutput().size();
        render.getOutput().clear();
        takeDrops(admission.getSideOutput(Drops.TAG));
        takeDrops(render.getSideOutput(Drops.TAG));
    }

    private void takeDrops(Queue<StreamRecord<FrameDrop>> side) {
        if (side != null) {
            for (StreamRecord<FrameDrop> drop = side.poll(); drop != null; drop = side.poll()) {
                drops.add(drop.getValue());
            }
        }
    }

    private long snapshotBytes(KeyedOneInputStreamOperatorTestHarness<?, ?, ?> harness) throws Exception {
        checkpoints++;
        return harness.snapshot(checkpoints, clock.nowMicros() / 1000).getStateSize();
    }

    @Test
    void keepsStateBoundedByOneIdleTimeoutOfSessionsOverAMillionAndServesOneThatReturns() throws Exception {
        long started = System.nanoTime();
        long emptyAdmission = snapshotBytes(admission);
        long emptyRender = snapshotBytes(render);

        long startTicks = (SESSIONS + STARTS_PER_TICK - 1) / STARTS_PER_TICK;
        long steadyFrom = KEY_BOUND / STARTS_PER_TICK + 1;
        long snapshotEvery = startTicks / SNAPSHOTS;
        int[] most = new int[3];
        int fewest = Integer.MAX_VALUE;
        List<long[]> snapshots = new ArrayList<>();
        long sent = 0;
        long staleProbes = 0;
        long returns = 0;
        long ticksWithOtherThanOneTimerPerSession = 0;
        for (long tick = 0; tick < startTicks + FRAMES_PER_SESSION; tick++) {
            moveTo(T0 + tick * TICK_US);
            // the sessions that started in this and the last few ticks each send their next frame
            for (int frame = 0; frame < FRAMES_PER_SESSION; frame++) {
                long startTick = tick - frame;
                for (int s = 0; s < STARTS_PER_TICK && startTick >= 0 && startTick < startTicks; s++) {
                    long index = startTick * STARTS_PER_TICK + s;
                    if (index < SESSIONS) {
                        send(session(index), frame + 1);
                        sent++;
                    }
                }
            }
            int admissionKeys = admission.numKeyedStateEntries();
            int renderKeys = render.numKeyedStateEntries();
            int admissionTimers = admission.numProcessingTimeTimers();
            int renderTimers = render.numProcessingTimeTimers();
            int timers = admissionTimers + renderTimers;
            if (admissionTimers != admissionKeys || renderTimers != renderKeys) {
                ticksWithOtherThanOneTimerPerSession++;
            }
            most[0] = Math.max(most[0], admissionKeys);
            most[1] = Math.max(most[1], renderKeys);
            most[2] = Math.max(most[2], timers);
            if (tick >= steadyFrom && tick < startTicks) {
                fewest = Math.min(fewest, Math.min(admissionKeys, renderKeys));
            }
            if (tick > steadyFrom && tick % snapshotEvery == 0 && tick < startTicks) {
                snapshots.add(new long[] {tick * STARTS_PER_TICK, snapshotBytes(admission),
                        snapshotBytes(render)});
                // a session that finished a tick ago is still known: its first frame again is stale
                send(session((tick - FRAMES_PER_SESSION) * STARTS_PER_TICK), 1);
                staleProbes++;
                // one silent for longer than the idle timeout is forgotten: its first frame again is served
                send(session((tick - steadyFrom) * STARTS_PER_TICK), 1);
                returns++;
            }
        }

        // every session silent: one step of time past the last idle timeout clears the rest
        long lastFrame = clock.nowMicros();
        moveTo(lastFrame + IDLE_TIMEOUT_US + 2_000_000);
        int keysLeft = admission.numKeyedStateEntries() + render.numKeyedStateEntries();
        int timersLeft = admission.numProcessingTimeTimers() + render.numProcessingTimeTimers();
        long leftAdmission = snapshotBytes(admission);
        long leftRender = snapshotBytes(render);

        // the first session of all, back after hours: served as new
        send(session(0), 1);
        returns++;
        double seconds = (System.nanoTime() - started) / 1e9;

        long[] firstSteady = snapshots.get(0);
        long mostAdmissionBytes = snapshots.stream().mapToLong(s -> s[1]).max().orElseThrow();
        long mostRenderBytes = snapshots.stream().mapToLong(s -> s[2]).max().orElseThrow();
        System.out.printf(Locale.ROOT, "%,d sessions of %d frames, %d starting a second, over %.1f h of job time"
                        + " (idle timeout %d s), in %.1f s: keys with state at most %,d (admission) and %,d (render),"
                        + " at least %,d once steady, bound %,d; timers at most %,d; snapshot bytes: %,d and %,d"
                        + " empty, %,d and %,d after %,d sessions, at most %,d and %,d up to %,d sessions, %,d and %,d"
                        + " once all went silent%n",
                SESSIONS, FRAMES_PER_SESSION, Math.round(STARTS_PER_TICK * 1e6 / TICK_US),
                (lastFrame - T0) / 3.6e9, IDLE_TIMEOUT_MS / 1000, seconds, most[0], most[1], fewest, KEY_BOUND,
                most[2], emptyAdmission, emptyRender, firstSteady[1], firstSteady[2], firstSteady[0],
                mostAdmissionBytes, mostRenderBytes, snapshots.get(snapshots.size() - 1)[0], leftAdmission, leftRender);

        // every frame accounted for: each session's frames served, each stale probe dropped as stale
        assertThat(sent).isEqualTo((long) SESSIONS * FRAMES_PER_SESSION);
        assertThat(drops).hasSize((int) staleProbes).allSatisfy(drop -> {
            assertThat(drop.reason).isEqualTo(DropReason.STALE);
            assertThat(drop.detail).isEqualTo("sequence 1 is not newer than 3, the newest admitted");
        });
        assertThat(admitted).isEqualTo(sent + returns);
        assertThat(rendered).isEqualTo(admitted);
        assertThat(snapshots).hasSize(SNAPSHOTS);

        // bounded by one idle timeout of sessions, and held for all of it
        assertThat(most[0]).as("sessions in the admission gate's state").isLessThanOrEqualTo(KEY_BOUND);
        assertThat(most[1]).as("sessions in the render gate's state").isLessThanOrEqualTo(KEY_BOUND);
        assertThat(fewest).as("sessions held once steady: none cleared before its idle timeout")
                .isGreaterThanOrEqualTo(KEY_FLOOR);
        // one pending idle check per session in each gate, however many frames it sent
        assertThat(ticksWithOtherThanOneTimerPerSession).as("ticks where a gate's timers were not one per session")
                .isZero();
        assertThat(most[2]).as("timers of both gates").isLessThanOrEqualTo(2 * KEY_BOUND);

        // snapshots hold what the keys hold: as large after a million sessions as after the first hundred thousand
        assertThat(firstSteady[1]).as("admission snapshot with a timeout's sessions")
                .isGreaterThan(emptyAdmission + 100L * KEY_FLOOR);
        assertThat(firstSteady[2]).as("render snapshot with a timeout's sessions")
                .isGreaterThan(emptyRender + 50L * KEY_FLOOR);
        assertThat(mostAdmissionBytes).isLessThanOrEqualTo(firstSteady[1] * 105 / 100);
        assertThat(mostRenderBytes).isLessThanOrEqualTo(firstSteady[2] * 105 / 100);

        // all of it gone once every session is silent
        assertThat(keysLeft).isZero();
        assertThat(timersLeft).isZero();
        assertThat(leftAdmission).isEqualTo(emptyAdmission);
        assertThat(leftRender).isEqualTo(emptyRender);
        assertThat(admission.numKeyedStateEntries()).as("the returning session's state").isEqualTo(1);
    }
}
