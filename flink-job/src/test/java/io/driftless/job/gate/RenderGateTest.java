package io.driftless.job.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.driftless.inference.service.InferenceOutcome;
import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import io.driftless.job.DriftlessJob;
import io.driftless.job.DriftlessOptions.Smoothing;
import io.driftless.job.record.Drops;
import io.driftless.job.record.FrameDrop;
import io.driftless.job.testutils.Frames;
import io.driftless.job.testutils.HarnessTime;
import io.driftless.job.testutils.IdleCleanup;
import io.driftless.job.testutils.ManualClock;
import io.driftless.proto.DropReason;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RenderGateTest {

    private static final long T0 = 1_700_000_000_000_000L;
    private static final int MAX_JPEG_BYTES = 1_000;
    private static final long IDLE_TIMEOUT_MS = 60_000;

    private final ManualClock clock = new ManualClock(T0);
    private KeyedOneInputStreamOperatorTestHarness<String, InferenceOutcome, InferenceOutcome> harness;

    private void open(Smoothing smoothing) throws Exception {
        harness = newHarness(smoothing);
        harness.open();
    }

    private KeyedOneInputStreamOperatorTestHarness<String, InferenceOutcome, InferenceOutcome> newHarness(
            Smoothing smoothing) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, InferenceOutcome, InferenceOutcome> created =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new RenderGate(smoothing, IDLE_TIMEOUT_MS, MAX_JPEG_BYTES, clock)),
                        new DriftlessJob.OutcomeSessionKey(), Types.STRING);
        created.setProcessingTime(T0 / 1000);
        return created;
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /** Snapshots the gate and restores it into a fresh harness, as a restart from a checkpoint does. */
    private void restartFromACheckpoint(Smoothing smoothing) throws Exception {
        OperatorSubtaskState snapshot = harness.snapshot(1, clock.nowMicros() / 1000);
        harness.close();
        harness = newHarness(smoothing);
        harness.initializeState(snapshot);
        harness.open();
    }

    private List<FrameDrop> drops() {
        return harness.getSideOutput(Drops.TAG) == null
                ? List.of()
                : harness.getSideOutput(Drops.TAG).stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    @Test
    void emitsAnOnTimeResultWithItsAnchorsAndEmitStamp() throws Exception {
        open(Smoothing.NONE);
        harness.processElement(new StreamRecord<>(Frames.posed("alice", 1, T0 - 10_000, T0 + 20_000, 15)));

        InferenceOutcome out = harness.extractOutputValues().get(0);
        assertThat(out.emitUs).isEqualTo(T0);
        assertThat(out.yawDeg).isEqualTo(15f);
        float[] expected = FaceGeometry.projectAnchors(new HeadPose(15, 0, 0, 0, 0, 0.5f), PinholeCamera.of(640, 480, 0));
        assertThat(out.anchors).containsExactly(expected);
        assertThat(drops()).isEmpty();
    }

    @Test
    void dropsAnAnnotatedFrameTooLargeForItsTopicAsInvalidAndSendsOneThatFits() throws Exception {
        open(Smoothing.NONE);
        InferenceOutcome tooLarge = Frames.posed("alice", 1, T0 - 10_000, T0 + 20_000, 0);
        tooLarge.annotatedJpeg = new byte[MAX_JPEG_BYTES + 1];
        InferenceOutcome fits = Frames.posed("alice", 2, T0 - 10_000, T0 + 20_000, 0);
        fits.annotatedJpeg = new byte[MAX_JPEG_BYTES];
        harness.processElement(new StreamRecord<>(tooLarge));
        harness.processElement(new StreamRecord<>(fits));

        assertThat(harness.extractOutputValues()).singleElement()
                .satisfies(out -> assertThat(out.frame.sequence).isEqualTo(2));
        assertThat(drops()).singleElement().satisfies(drop -> {
            assertThat(drop.reason).isEqualTo(DropReason.INVALID);
            assertThat(drop.detail).startsWith("the annotated frame is 1001 bytes, over the 1000 a response may carry");
        });
    }

    @Test
    void dropsAResultReadyAfterItsDeadline() throws Exception {
        open(Smoothing.NONE);
        harness.processElement(new StreamRecord<>(Frames.posed("alice", 1, T0 - 40_000, T0 - 7_000, 0)));

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(drops()).singleElement().satisfies(drop -> {
            assertThat(drop.reason).isEqualTo(DropReason.DEADLINE_EXCEEDED);
            assertThat(drop.detail).isEqualTo("result ready 7000 us after the 33 ms deadline");
        });
    }

    @Test
    void dropsAnOlderFrameThatFinishesAfterANewerOneAsStale() throws Exception {
        open(Smoothing.NONE);
        harness.processElement(new StreamRecord<>(Frames.posed("alice", 8, T0 - 1_000, T0 + 30_000, 0)));
        harness.processElement(new StreamRecord<>(Frames.posed("alice", 7, T0 - 2_000, T0 + 30_000, 0)));
        harness.processElement(new StreamRecord<>(Frames.posed("bob", 7, T0 - 2_000, T0 + 30_000, 0)));

        assertThat(harness.extractOutputValues()).extracting(o -> o.frame.sessionId + "/" + o.frame.sequence)
                .containsExactly("alice/8", "bob/7");
        assertThat(drops()).singleElement().satisfies(drop -> {
            assertThat(drop.reason).isEqualTo(DropReason.STALE);
            assertThat(drop.detail).isEqualTo("sequence 7 finished after sequence 8 was already rendered");
        });
    }

    @Test
    void turnsFailedInferenceIntoADropWithItsReason() throws Exception {
        open(Smoothing.NONE);
        InferenceOutcome failed = InferenceOutcome.dropped(
                Frames.posed("alice", 1, T0, T0 + 30_000, 0).frame, DropReason.INFERENCE_FAILED, "model exploded");
        harness.processElement(new StreamRecord<>(failed));

        assertThat(drops()).singleElement().satisfies(drop -> {
            assertThat(drop.reason).isEqualTo(DropReason.INFERENCE_FAILED);
            assertThat(drop.detail).isEqualTo("model exploded");
        });
    }

    /** Two seconds of a still head measured with +-2 degrees of alternating noise at 30 fps. */
    private List<InferenceOutcome> renderAStillHeadWithJitter() throws Exception {
        for (int i = 0; i < 60; i++) {
            long capture = T0 + i * 33_333L;
            clock.set(capture + 5_000);
            harness.processElement(new StreamRecord<>(Frames.posed("alice", i, capture, capture + 33_000, i % 2 == 0 ? 2 : -2)));
        }
        List<InferenceOutcome> out = harness.extractOutputValues();
        assertThat(out).hasSize(60);
        return out;
    }

    @Test
    void smoothingDampsJitterWhileTheHeadIsStill() throws Exception {
        open(Smoothing.ONE_EURO);
        List<InferenceOutcome> out = renderAStillHeadWithJitter();
        for (InferenceOutcome o : out.subList(30, 60)) {
            assertThat(Math.abs(o.yawDeg)).isLessThan(1.0f);
        }
    }

    @Test
    void smoothingFollowsAFastTurnWithLittleLag() throws Exception {
        open(Smoothing.ONE_EURO);
        // 90 degrees per second, noise-free
        for (int i = 0; i < 30; i++) {
            long capture = T0 + i * 33_333L;
            clock.set(capture + 5_000);
            harness.processElement(new StreamRecord<>(Frames.posed("alice", i, capture, capture + 33_000, -45 + 3.0 * i)));
        }
        InferenceOutcome last = harness.extractOutputValues().get(29);
        assertThat(last.yawDeg).isCloseTo(-45f + 87f, org.assertj.core.data.Offset.offset(2.0f));
    }

    @Test
    void theMotionStatesPoseDampsJitterWhileTheHeadIsStill() throws Exception {
        open(Smoothing.MOTION_STATE);
        List<InferenceOutcome> out = renderAStillHeadWithJitter();
        assertThat(out.get(0).yawDeg).as("the first frame: nothing to weigh it against").isEqualTo(2f);
        for (InferenceOutcome o : out.subList(30, 60)) {
            assertThat(Math.abs(o.yawDeg)).isLessThan(0.5f);
            assertThat(Math.abs(o.poseRates[0])).as("yaw rate").isLessThan(10f);
        }
    }

    @Test
    void theMotionStatesPoseFollowsATurnThatStartsAndStopsWithoutLag() throws Exception {
        open(Smoothing.MOTION_STATE);
        // still for a second, then 120 degrees per second for half a second, then still; noise-free
        for (int i = 0; i < 75; i++) {
            long capture = T0 + i * 33_333L;
            double yaw = -30 + 120 * Math.min(0.5, Math.max(0, i / 30.0 - 1));
            clock.set(capture + 5_000);
            harness.processElement(new StreamRecord<>(Frames.posed("alice", i, capture, capture + 33_000, yaw)));
        }
        List<InferenceOutcome> out = harness.extractOutputValues();
        assertThat(out.get(45).yawDeg).as("the turn's last frame").isCloseTo(30f, within(1.5f));
        assertThat(out.get(45).poseRates[0]).as("its rate").isCloseTo(120f, within(10f));
        assertThat(out.get(74).yawDeg).as("a second after the turn").isCloseTo(30f, within(0.5f));
        assertThat(out.get(74).poseRates[0]).isCloseTo(0f, within(3f));
    }

    /** {@code count} results of {@code session} captured at 30 fps, each ready 5 ms after its capture. */
    private void renderAt30Fps(String session, long firstSequence, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                HarnessTime.pass(clock, harness, 33_333);
            }
            render(session, firstSequence + i);
        }
    }

    private void render(String session, long sequence) throws Exception {
        long now = clock.nowMicros();
        harness.processElement(new StreamRecord<>(Frames.posed(session, sequence, now - 5_000, now + 28_000, 0)));
    }

    @Test
    void keepsOneIdleCheckForASessionHoweverManyResultsItRenders() throws Exception {
        open(Smoothing.NONE);
        // 33 s of results, within the 60 s idle timeout
        renderAt30Fps("alice", 1, 1_000);

        assertThat(harness.extractOutputValues()).hasSize(1_000);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
    }

    @Test
    void keepsAnActiveSessionPastItsFirstCheckAndClearsItOneIdleTimeoutAfterItsLastResult() throws Exception {
        open(Smoothing.ONE_EURO);
        // 100 s of results: the first check finds the session active and schedules the next
        renderAt30Fps("alice", 1, 3_000);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        IdleCleanup.assertHeldForTheTimeoutThenCleared(clock, harness, IDLE_TIMEOUT_MS);

        render("alice", 1);
        assertThat(harness.extractOutputValues()).hasSize(3_001).last()
                .satisfies(out -> assertThat(out.frame.sequence).isEqualTo(1));
        assertThat(drops()).isEmpty();
    }

    @Test
    void aSessionRestoredFromACheckpointKeepsItsIdleCheckAndIsClearedOnTime() throws Exception {
        open(Smoothing.ONE_EURO);
        render("alice", 5);
        restartFromACheckpoint(Smoothing.ONE_EURO);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers()).as("the restored check").isEqualTo(1);

        // a result after the restore adds no check: the restored one is the session's
        HarnessTime.pass(clock, harness, 10_000_000);
        render("alice", 6);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        IdleCleanup.assertHeldForTheTimeoutThenCleared(clock, harness, IDLE_TIMEOUT_MS);

        render("alice", 1);
        assertThat(harness.extractOutputValues()).extracting(out -> out.frame.sequence).containsExactly(6L, 1L);
        assertThat(drops()).isEmpty();
    }

    /** A frame of a head turning at 90°/s and moving right at 0.2 m/s, captured {@code i} frames after T0 at 30 fps. */
    private static InferenceOutcome turning(String session, long sequence, long captureUs) {
        double t = (captureUs - T0) / 1e6;
        InferenceOutcome outcome = Frames.posed(session, sequence, captureUs, captureUs + 33_000, -30 + 90 * t);
        outcome.xM = (float) (-0.05 + 0.2 * t);
        return outcome;
    }

    private void renderTurning(String session, long firstSequence, long firstCaptureUs, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            long capture = firstCaptureUs + i * 33_333L;
            clock.set(capture + 5_000);
            harness.processElement(new StreamRecord<>(turning(session, firstSequence + i, capture)));
        }
    }

    @Test
    void givesTheRatesAndAnchorVelocitiesOfAConstantMotion() throws Exception {
        open(Smoothing.NONE);
        renderTurning("alice", 1, T0, 10);

        List<InferenceOutcome> out = harness.extractOutputValues();
        assertThat(out.get(0).poseRates).as("one frame tells no motion").isNull();
        assertThat(out.get(0).anchorVelocities).isNull();
        InferenceOutcome last = out.get(9);
        assertThat(last.poseRates).containsExactly(new float[] {90, 0, 0, 0.2f, 0, 0}, within(0.05f));
        // where the anchors are 10 ms on, from the true motion, against the velocities' step
        double t = (last.frame.captureTimeUs - T0) / 1e6;
        PinholeCamera camera = PinholeCamera.of(640, 480, 0);
        float[] now = FaceGeometry.projectAnchors(new HeadPose(-30 + 90 * t, 0, 0, -0.05 + 0.2 * t, 0, 0.5), camera);
        float[] later = FaceGeometry.projectAnchors(
                new HeadPose(-30 + 90 * (t + 0.01), 0, 0, -0.05 + 0.2 * (t + 0.01), 0, 0.5), camera);
        assertThat(last.anchorVelocities).hasSameSizeAs(now);
        for (int i = 0; i < now.length; i++) {
            assertThat(now[i] + 0.01f * last.anchorVelocities[i]).as("coordinate %d in 10 ms", i)
                    .isCloseTo(later[i], within(0.05f));
        }
        assertThat(Math.abs(last.anchorVelocities[0])).as("an anchor of a turning head moves").isGreaterThan(100f);
    }

    @Test
    void aGapOrAFrameCapturedOutOfOrderRestartsTheMotionState() throws Exception {
        open(Smoothing.NONE);
        renderTurning("alice", 1, T0, 5);
        // 400 ms without frames, then a head standing still
        long after = T0 + 4 * 33_333L + 400_000;
        clock.set(after + 5_000);
        harness.processElement(new StreamRecord<>(Frames.posed("alice", 6, after, after + 33_000, 10)));
        clock.set(after + 38_333);
        harness.processElement(new StreamRecord<>(Frames.posed("alice", 7, after + 33_333, after + 66_000, 10)));
        // a newer sequence captured before the one rendered last: a client clock stepped back
        clock.set(after + 40_000);
        harness.processElement(new StreamRecord<>(Frames.posed("alice", 8, after + 20_000, after + 53_000, 10)));
        clock.set(after + 60_000);
        harness.processElement(new StreamRecord<>(Frames.posed("alice", 9, after + 53_333, after + 86_000, 10)));

        List<InferenceOutcome> out = harness.extractOutputValues();
        assertThat(out).extracting(o -> o.frame.sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(out.get(5).poseRates).as("the first frame after the gap").isNull();
        assertThat(out.get(6).poseRates).as("still, after the gap: no turn carried over")
                .containsExactly(new float[] {0, 0, 0, 0, 0, 0}, within(1e-3f));
        assertThat(out.get(7).poseRates).as("captured before the frame rendered last").isNull();
        assertThat(out.get(8).poseRates).containsExactly(new float[] {0, 0, 0, 0, 0, 0}, within(1e-3f));
    }

    @Test
    void aPoseThatIsNotANumberLeavesTheMotionStateAsItWas() throws Exception {
        open(Smoothing.NONE);
        renderTurning("alice", 1, T0, 5);
        long capture = T0 + 5 * 33_333L;
        InferenceOutcome broken = turning("alice", 6, capture);
        broken.yawDeg = Float.NaN;
        clock.set(capture + 5_000);
        harness.processElement(new StreamRecord<>(broken));
        clock.set(capture + 38_333);
        harness.processElement(new StreamRecord<>(turning("alice", 7, capture + 33_333)));

        List<InferenceOutcome> out = harness.extractOutputValues();
        assertThat(out.get(5).poseRates).as("no rates from a broken pose").isNull();
        assertThat(out.get(5).anchorVelocities).isNull();
        assertThat(out.get(6).poseRates).containsExactly(new float[] {90, 0, 0, 0.2f, 0, 0}, within(0.05f));
        for (float v : out.get(6).anchorVelocities) {
            assertThat(v).isFinite();
        }
    }

    @Test
    void theMotionStateSurvivesARestartFromACheckpoint() throws Exception {
        open(Smoothing.MOTION_STATE);
        renderTurning("alice", 1, T0, 5);
        restartFromACheckpoint(Smoothing.MOTION_STATE);
        long capture = T0 + 5 * 33_333L;
        clock.set(capture + 5_000);
        harness.processElement(new StreamRecord<>(turning("alice", 6, capture)));

        assertThat(harness.extractOutputValues()).singleElement().satisfies(out -> {
            assertThat(out.poseRates).containsExactly(new float[] {90, 0, 0, 0.2f, 0, 0}, within(0.05f));
            assertThat(out.yawDeg).isCloseTo(-30f + 90f * 5 / 30, within(0.05f));
        });
    }
}
