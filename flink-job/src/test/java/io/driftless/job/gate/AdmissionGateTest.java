package io.driftless.job.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.inference.service.FrameEnvelope;
import io.driftless.job.DriftlessJob;
import io.driftless.job.record.Drops;
import io.driftless.job.record.FrameDrop;
import io.driftless.job.testutils.FixedLatencyInference;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdmissionGateTest {

    private static final long T0 = 1_700_000_000_000_000L;
    private static final long INFERENCE_US = 2_000;
    private static final long IDLE_TIMEOUT_MS = 60_000;

    private ManualClock clock;
    private KeyedOneInputStreamOperatorTestHarness<String, FrameEnvelope, FrameEnvelope> harness;

    /** 60 fps with a burst of 30: the job's defaults. */
    private static final SessionRateCap CAP = new SessionRateCap(60, 30);

    @BeforeEach
    void open() throws Exception {
        clock = new ManualClock(T0);
        harness = newHarness();
        harness.open();
    }

    private KeyedOneInputStreamOperatorTestHarness<String, FrameEnvelope, FrameEnvelope> newHarness()
            throws Exception {
        AdmissionGate gate = new AdmissionGate(new FixedLatencyInference(INFERENCE_US), 4, CAP, IDLE_TIMEOUT_MS, clock);
        KeyedOneInputStreamOperatorTestHarness<String, FrameEnvelope, FrameEnvelope> created =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(gate), new DriftlessJob.SessionKey(), Types.STRING);
        created.setProcessingTime(T0 / 1000);
        return created;
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /** Snapshots the gate and restores it into a fresh harness, as a restart from a checkpoint does. */
    private void restartFromACheckpoint() throws Exception {
        OperatorSubtaskState snapshot = harness.snapshot(1, clock.nowMicros() / 1000);
        harness.close();
        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
    }

    /** A frame captured {@code ageUs} ago on a client whose clock is {@code skewUs} ahead. */
    private void arrive(String session, long sequence, long ageUs, long skewUs) throws Exception {
        long now = clock.nowMicros();
        long capture = now - ageUs + skewUs;
        // 300 us of transit between send and ingest
        harness.processElement(new StreamRecord<>(Frames.frame(session, sequence, capture, capture + ageUs - 300, now)));
    }

    private List<Long> admitted() {
        return harness.extractOutputValues().stream().map(f -> f.sequence).collect(Collectors.toList());
    }

    private List<FrameDrop> drops() {
        return harness.getSideOutput(Drops.TAG) == null
                ? List.of()
                : harness.getSideOutput(Drops.TAG).stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    @Test
    void admitsAFrameWithEnoughBudgetLeftAndStampsItsDeadline() throws Exception {
        arrive("alice", 1, 5_000, 0);

        assertThat(admitted()).containsExactly(1L);
        FrameEnvelope frame = harness.extractOutputValues().get(0);
        // offset = ingest - send = 300 us of transit, so the job sees the frame 300 us younger
        assertThat(frame.clockOffsetUs).isEqualTo(300);
        assertThat(frame.deadlineUs).isEqualTo(frame.captureTimeUs + 300 + 33_000);
        assertThat(drops()).isEmpty();
    }

    @Test
    void dropsFrameWhoseRemainingBudgetIsSmallerThanTheExpectedInferenceTime() throws Exception {
        arrive("alice", 1, 33_000 - 1_500, 0);

        assertThat(admitted()).isEmpty();
        assertThat(drops()).singleElement().satisfies(drop -> {
            assertThat(drop.reason).isEqualTo(DropReason.LATE_ON_ARRIVAL);
            assertThat(drop.detail).contains("inference currently takes ~2000 us");
        });
    }

    @Test
    void dropsFrameThatIsAlreadyPastItsDeadline() throws Exception {
        arrive("alice", 1, 50_000, 0);

        assertThat(drops()).singleElement().satisfies(drop -> {
            assertThat(drop.reason).isEqualTo(DropReason.LATE_ON_ARRIVAL);
            assertThat(drop.detail).startsWith("already").contains("past its 33 ms deadline");
        });
    }

    @Test
    void dropsFramesNotNewerThanTheNewestAdmittedAsStale() throws Exception {
        arrive("alice", 5, 1_000, 0);
        arrive("alice", 3, 1_000, 0);
        arrive("alice", 5, 1_000, 0);
        arrive("alice", 6, 1_000, 0);

        assertThat(admitted()).containsExactly(5L, 6L);
        assertThat(drops()).extracting(d -> d.reason).containsExactly(DropReason.STALE, DropReason.STALE);
        assertThat(drops()).extracting(d -> d.detail)
                .containsExactly("sequence 3 is not newer than 5, the newest admitted",
                        "sequence 5 is not newer than 5, the newest admitted");
    }

    @Test
    void keepsSessionsApart() throws Exception {
        arrive("alice", 5, 1_000, 0);
        arrive("bob", 1, 1_000, 0);

        assertThat(admitted()).containsExactly(5L, 1L);
    }

    @Test
    void judgesAgeOnTheJobClockWhateverTheClientClockSays() throws Exception {
        for (long skew : new long[] {5_000_000, -5_000_000}) {
            String session = "skew" + skew;
            arrive(session, 1, 5_000, skew);
            arrive(session, 2, 31_500, skew);
        }

        assertThat(admitted()).containsExactly(1L, 1L);
        assertThat(drops()).extracting(d -> d.reason)
                .containsExactly(DropReason.LATE_ON_ARRIVAL, DropReason.LATE_ON_ARRIVAL);
    }

    @Test
    void offsetEstimateComesFromTheFastestRecentTransitsSoOneSlowHopDoesNotMakeFramesLookOld() throws Exception {
        arrive("alice", 1, 1_000, 0);
        arrive("alice", 2, 1_000, 0);
        long now = clock.nowMicros();
        // sent 20 ms before ingest (a slow hop), captured 10 ms before sending
        harness.processElement(new StreamRecord<>(Frames.frame("alice", 3, now - 30_000, now - 20_000, now)));

        FrameEnvelope third = harness.extractOutputValues().get(2);
        assertThat(third.clockOffsetUs).isEqualTo(300);
        assertThat(third.deadlineUs - now).isEqualTo(33_000 - 30_000 + 300);
    }

    @Test
    void countsTimeSpentWaitingInKafkaAgainstTheBudget() throws Exception {
        long now = clock.nowMicros();
        // sent and appended 5 s ago, read only now: a backlog, not a clock offset
        FrameEnvelope frame = Frames.frame("alice", 1, now - 5_001_000, now - 5_000_000, now);
        frame.brokerAppendUs = now - 4_999_700;
        harness.processElement(new StreamRecord<>(frame));

        assertThat(admitted()).isEmpty();
        assertThat(drops()).singleElement().satisfies(drop -> assertThat(drop.reason).isEqualTo(DropReason.LATE_ON_ARRIVAL));
    }

    @Test
    void oneFrameWithABogusSendStampDoesNotMakeTheNextFramesLookOld() throws Exception {
        arrive("alice", 1, 1_000, 0);
        long now = clock.nowMicros();
        // a send stamp 5 s in the future would pull a plain minimum 5 s down
        harness.processElement(new StreamRecord<>(Frames.frame("alice", 2, now + 4_999_000, now + 5_000_000, now)));
        arrive("alice", 3, 1_000, 0);

        assertThat(admitted()).contains(1L, 3L);
        FrameEnvelope third = harness.extractOutputValues().get(harness.extractOutputValues().size() - 1);
        assertThat(third.clockOffsetUs).isEqualTo(300);
    }

    @Test
    void clearsSessionStateAfterTheIdleTimeout() throws Exception {
        arrive("alice", 5, 1_000, 0);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

        clock.advance(61_000_000);
        harness.setProcessingTime(clock.nowMicros() / 1000 + 2_000);

        assertThat(harness.numKeyedStateEntries()).isZero();
        arrive("alice", 1, 1_000, 0);
        assertThat(admitted()).containsExactly(5L, 1L);
    }

    /** {@code count} fresh frames at 30 fps with the operator's processing time moving along. */
    private void sendAt30Fps(String session, long firstSequence, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                HarnessTime.pass(clock, harness, 33_333);
            }
            arrive(session, firstSequence + i, 1_000, 0);
        }
    }

    @Test
    void keepsOneIdleCheckForASessionHoweverManyFramesItSends() throws Exception {
        // 33 s of frames, within the 60 s idle timeout
        sendAt30Fps("alice", 1, 1_000);

        assertThat(admitted()).hasSize(1_000);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
    }

    @Test
    void keepsAnActiveSessionPastItsFirstCheckAndClearsItOneIdleTimeoutAfterItsLastFrame() throws Exception {
        // 100 s of frames: the first check finds the session active and schedules the next
        sendAt30Fps("alice", 1, 3_000);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        IdleCleanup.assertHeldForTheTimeoutThenCleared(clock, harness, IDLE_TIMEOUT_MS);

        arrive("alice", 1, 1_000, 0);
        assertThat(admitted()).hasSize(3_001).endsWith(1L);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
    }

    @Test
    void aSessionRestoredFromACheckpointKeepsItsIdleCheckAndIsClearedOnTime() throws Exception {
        arrive("alice", 5, 1_000, 0);
        restartFromACheckpoint();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers()).as("the restored check").isEqualTo(1);

        // a frame after the restore adds no check: the restored one is the session's
        HarnessTime.pass(clock, harness, 10_000_000);
        arrive("alice", 6, 1_000, 0);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        IdleCleanup.assertHeldForTheTimeoutThenCleared(clock, harness, IDLE_TIMEOUT_MS);

        arrive("alice", 1, 1_000, 0);
        assertThat(admitted()).containsExactly(6L, 1L);
    }

    /** {@code count} fresh frames of {@code session}, {@code intervalUs} apart on the job clock. */
    private void stream(String session, long firstSequence, int count, long intervalUs) throws Exception {
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                clock.advance(intervalUs);
            }
            arrive(session, firstSequence + i, 1_000, 0);
        }
    }

    private long count(DropReason reason) {
        return drops().stream().filter(d -> d.reason == reason).count();
    }

    @Test
    void capsAFloodingSessionAtItsBurstPlusTheCapTimesTheSeconds() throws Exception {
        // 1,001 frames 1 ms apart: a second of flooding at 1,000 fps
        stream("flooder", 1, 1_001, 1_000);

        // the full bucket's 30, then 60 for the second that passed
        assertThat(admitted()).hasSize(30 + 60);
        assertThat(count(DropReason.OVERLOADED)).isEqualTo(1_001 - 90);
        assertThat(drops()).extracting(d -> d.reason).containsOnly(DropReason.OVERLOADED);
        assertThat(admitted()).startsWith(1L, 2L, 3L);
    }

    @Test
    void namesTheSessionsRateAndItsCapAndTheOptionInTheDropDetail() throws Exception {
        stream("flooder", 1, 100, 1_000);

        assertThat(drops()).last().satisfies(drop -> {
            assertThat(drop.reason).isEqualTo(DropReason.OVERLOADED);
            assertThat(drop.detail).isEqualTo("session sends ~1000 fps, over its cap of 60 fps (burst 30);"
                    + " raise driftless.admission.max-session-fps if this rate is expected");
        });
    }

    @Test
    void neverCapsASessionAtTheNominalRateOrAtTheCapItself() throws Exception {
        stream("nominal", 1, 300, 33_333);
        stream("at-cap", 1, 600, 16_667);

        assertThat(admitted()).hasSize(900);
        assertThat(drops()).isEmpty();
    }

    @Test
    void chargesTheFlooderAloneWhileItsNeighbourKeepsEveryFrame() throws Exception {
        // a neighbour at 30 fps, and between each of its frames twenty of the flooder's
        for (long sequence = 1; sequence <= 90; sequence++) {
            arrive("neighbour", sequence, 1_000, 0);
            for (int i = 0; i < 20; i++) {
                clock.advance(33_333 / 21);
                arrive("flooder", sequence * 20 + i, 1_000, 0);
            }
            clock.advance(33_333 / 21);
        }

        List<FrameEnvelope> out = harness.extractOutputValues();
        assertThat(out.stream().filter(f -> f.sessionId.equals("neighbour"))).hasSize(90);
        assertThat(drops()).extracting(d -> d.frame.sessionId).containsOnly("flooder");
        // three seconds: 30 + 3 x 60, give or take the frame at the edge
        assertThat(out.stream().filter(f -> f.sessionId.equals("flooder")).count()).isBetween(209L, 211L);
    }

    @Test
    void refillsTheBucketWhileTheSessionSendsLess() throws Exception {
        stream("flooder", 1, 200, 1_000);
        int before = admitted().size();

        // half a second of quiet refills 30 frames, the whole burst
        clock.advance(500_000);
        stream("flooder", 1_000, 40, 1);

        assertThat(admitted().size() - before).isEqualTo(30);
    }

    @Test
    void framesDroppedForOtherReasonsTakeNothingFromTheBucket() throws Exception {
        stream("alice", 100, 30, 1);
        // stale and late frames: none of them would have gone to the model
        arrive("alice", 5, 1_000, 0);
        arrive("alice", 200, 50_000, 0);
        clock.advance(1_000_000 / 60);
        arrive("alice", 201, 1_000, 0);

        assertThat(admitted()).hasSize(31).endsWith(201L);
        assertThat(drops()).extracting(d -> d.reason)
                .containsExactly(DropReason.STALE, DropReason.LATE_ON_ARRIVAL);
    }

    @Test
    void answersABacklogReadAtOnceAsLateNotAsOverTheCap() throws Exception {
        for (long sequence = 1; sequence <= 100; sequence++) {
            arrive("alice", sequence, 5_000_000, 0);
        }

        assertThat(drops()).hasSize(100).extracting(d -> d.reason).containsOnly(DropReason.LATE_ON_ARRIVAL);
    }

    @Test
    void keepsAnEmptiedBucketAcrossARestoreFromACheckpoint() throws Exception {
        stream("flooder", 1, 31, 1);
        restartFromACheckpoint();
        arrive("flooder", 32, 1_000, 0);

        assertThat(admitted()).isEmpty();
        assertThat(drops()).singleElement().satisfies(drop -> assertThat(drop.reason).isEqualTo(DropReason.OVERLOADED));
    }
}
