package io.driftless.source.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.driftless.inference.pose.HeadPose;
import io.driftless.proto.ArCoordinates;
import io.driftless.proto.DropReason;
import io.driftless.proto.DroppedFrame;
import io.driftless.proto.Timing;
import io.driftless.source.RunSummary;
import io.driftless.source.RunSummary.Drift;
import io.driftless.source.RunSummary.Quantile;
import io.driftless.source.RunSummary.Second;
import io.driftless.source.internal.ResponseTracker.InFlight;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseTrackerTest {

    private static final long MS = 1_000_000L;
    private static final HeadPose TRUTH = new HeadPose(10, -5, 3, 0.01, 0.02, 0.5);

    private final SessionIds sessions = new SessionIds("rtest", 3);
    private final ResponseTracker tracker = new ResponseTracker(sessions, true);

    /** Sends frame {@code sequence} of {@code user}, captured at 0 and sent at 1 ms. */
    private void send(int user, long sequence) {
        tracker.expect(user, sequence, new InFlight(1 * MS, 0, 33, TRUTH));
    }

    private ArCoordinates coordinates(int user, long sequence, HeadPose pose) {
        return ArCoordinates.newBuilder()
                .setSessionId(sessions.sessionId(user))
                .setSequence(sequence)
                .setPose(io.driftless.proto.HeadPose.newBuilder()
                        .setYawDeg((float) pose.yawDeg())
                        .setPitchDeg((float) pose.pitchDeg())
                        .setRollDeg((float) pose.rollDeg()))
                .build();
    }

    private DroppedFrame drop(int user, long sequence, DropReason reason) {
        return DroppedFrame.newBuilder()
                .setSessionId(sessions.sessionId(user))
                .setSequence(sequence)
                .setReason(reason)
                .build();
    }

    @Test
    void accountsEveryFrameAsResponseDropOrUnanswered() {
        for (long seq = 1; seq <= 4; seq++) {
            send(0, seq);
            send(1, seq);
        }
        for (long seq = 1; seq <= 4; seq++) {
            tracker.onCoordinates(coordinates(0, seq, TRUTH), 5 * MS);
        }
        tracker.onDropped(drop(1, 1, DropReason.LATE_ON_ARRIVAL), 5 * MS);
        tracker.onDropped(drop(1, 2, DropReason.STALE), 5 * MS);
        tracker.onDropped(drop(1, 3, DropReason.STALE), 5 * MS);

        RunSummary summary = tracker.summarize(30, 1.0, Drift.UNDEFINED);

        assertThat(summary.sent()).isEqualTo(8);
        assertThat(summary.responses()).isEqualTo(4);
        assertThat(summary.droppedTotal()).isEqualTo(3);
        assertThat(summary.dropped(DropReason.STALE)).isEqualTo(2);
        assertThat(summary.dropped(DropReason.LATE_ON_ARRIVAL)).isEqualTo(1);
        assertThat(summary.dropped(DropReason.OVERLOADED)).isZero();
        assertThat(summary.unanswered()).isEqualTo(1);
        assertThat(summary.sent())
                .isEqualTo(summary.responses() + summary.droppedTotal() + summary.unanswered());
    }

    @Test
    void keepsTheRoundTripDistributionUpToItsMaximum() {
        // 100 frames sent at 1 ms, answered after 2..101 ms: round trips 1..100 ms
        SessionIds many = new SessionIds("rdist", 1);
        ResponseTracker books = new ResponseTracker(many, false);
        for (long seq = 1; seq <= 100; seq++) {
            books.expect(0, seq, new InFlight(1 * MS, 0, 33, null));
            books.onCoordinates(ArCoordinates.newBuilder().setSessionId(many.sessionId(0))
                    .setSequence(seq).build(), (1 + seq) * MS);
        }

        List<Quantile> distribution = books.summarize(30, 1.0, Drift.UNDEFINED).rttDistribution();

        assertThat(distribution).hasSizeGreaterThan(10);
        assertThat(distribution).extracting(Quantile::fraction).isSorted();
        assertThat(distribution).extracting(Quantile::ms).isSorted();
        Quantile median = distribution.stream().filter(q -> q.fraction() >= 0.5).findFirst()
                .orElseThrow();
        assertThat(median.ms()).isCloseTo(50, within(1.0));
        assertThat(distribution.get(distribution.size() - 1))
                .satisfies(last -> assertThat(last.fraction()).isEqualTo(1.0))
                .satisfies(last -> assertThat(last.ms()).isCloseTo(100, within(0.1)));
        assertThat(tracker.summarize(30, 1.0, Drift.UNDEFINED).rttDistribution()).isEmpty();
    }

    @Test
    void countsTheFirstAnswerAndLaterOnesAsDuplicates() {
        send(0, 1);
        tracker.onCoordinates(coordinates(0, 1, TRUTH), 5 * MS);
        tracker.onCoordinates(coordinates(0, 1, TRUTH), 6 * MS);
        tracker.onDropped(drop(0, 1, DropReason.STALE), 7 * MS);

        RunSummary summary = tracker.summarize(30, 1.0, Drift.UNDEFINED);

        assertThat(summary.responses()).isEqualTo(1);
        assertThat(summary.droppedTotal()).isZero();
        assertThat(summary.duplicates()).isEqualTo(2);
        assertThat(summary.rttMs().max()).isCloseTo(4.0, within(0.01));
    }

    @Test
    void ignoresAnswersToOtherRunsAndToFramesNeverSent() {
        send(0, 1);
        tracker.onCoordinates(coordinates(0, 1, TRUTH).toBuilder()
                .setSessionId("rother-u0000").build(), 5 * MS);
        tracker.onCoordinates(coordinates(2, 9, TRUTH), 5 * MS);

        RunSummary summary = tracker.summarize(30, 1.0, Drift.UNDEFINED);

        assertThat(summary.responses()).isZero();
        assertThat(summary.duplicates()).isZero();
        assertThat(summary.unanswered()).isEqualTo(1);
    }

    @Test
    void countsAResponseOnTimeWhenItArrivesWithinTheDeadlineFromCapture() {
        send(0, 1);
        send(0, 2);
        tracker.onCoordinates(coordinates(0, 1, TRUTH), 33 * MS);
        tracker.onCoordinates(coordinates(0, 2, TRUTH), 33 * MS + 1);

        RunSummary summary = tracker.summarize(30, 1.0, Drift.UNDEFINED);

        assertThat(summary.onTime()).isEqualTo(1);
        assertThat(summary.onTimeRatio()).isEqualTo(0.5);
    }

    @Test
    void booksFramesAndOnTimeAnswersByTheSecondOfCapture() {
        long second = 1_000 * MS;
        tracker.expect(0, 1, new InFlight(0, 0, 33, TRUTH));
        tracker.expect(0, 2, new InFlight(0, second - 1, 33, TRUTH));
        tracker.expect(0, 3, new InFlight(0, 2 * second + 5 * MS, 33, TRUTH));
        tracker.expect(1, 1, new InFlight(0, 2 * second + 5 * MS, 33, TRUTH));
        tracker.onCoordinates(coordinates(0, 1, TRUTH), 90 * MS);
        tracker.onCoordinates(coordinates(0, 2, TRUTH), second + 10 * MS);
        tracker.onCoordinates(coordinates(0, 3, TRUTH), 2 * second + 20 * MS);
        tracker.onDropped(drop(1, 1, DropReason.STALE), 2 * second + 20 * MS);

        RunSummary summary = tracker.summarize(30, 3.0, Drift.UNDEFINED);

        assertThat(summary.bySecond()).containsExactly(new Second(2, 1), new Second(0, 0), new Second(2, 1));
        assertThat(summary.onTimeRatioFrom(1)).isEqualTo(0.5);
    }

    @Test
    void booksEachRoundTripByStageFromTheJobsStampsAndSaysWhereTheSlowFramesSpentTheirTime() {
        // sent at 1 ms; answered at 11 ms (fast) and at 31 ms (slow: over half the 33 ms budget)
        send(0, 1);
        send(0, 2);
        Timing fast = Timing.newBuilder().setJobIngestUs(5_000_000).setInferenceStartUs(5_001_000)
                .setInferenceEndUs(5_001_500).setEmitUs(5_002_000).build();
        Timing slow = Timing.newBuilder().setJobIngestUs(7_000_000).setInferenceStartUs(7_012_000)
                .setInferenceEndUs(7_013_000).setEmitUs(7_015_000).build();
        tracker.onCoordinates(coordinates(0, 1, TRUTH).toBuilder().setTiming(fast).build(), 11 * MS);
        tracker.onCoordinates(coordinates(0, 2, TRUTH).toBuilder().setTiming(slow).build(), 31 * MS);
        // an answer whose stamps are out of order is left out of the stages, not of the books
        send(0, 3);
        tracker.onCoordinates(coordinates(0, 3, TRUTH).toBuilder().setTiming(fast.toBuilder().setEmitUs(1)).build(),
                11 * MS);

        RunSummary.Stages stages = tracker.summarize(30, 1.0, Drift.UNDEFINED).stages();
        assertThat(stages.frames()).isEqualTo(2);
        assertThat(stages.slowFrames()).isEqualTo(1);
        assertThat(stages.stages()).extracting(RunSummary.Stage::name)
                .containsExactly("Kafka and clients", "job to model", "model", "job to sink");
        // the slow frame's 30 ms: 15 outside the job, 12 before the model, 1 in it, 2 after
        assertThat(stages.stages()).extracting(RunSummary.Stage::shareOfSlow)
                .containsExactly(0.5, 0.4, 1.0 / 30, 2.0 / 30);
        assertThat(stages.stages().get(0).p99Ms()).isCloseTo(15, within(0.02));
        assertThat(stages.stages().get(1).p50Ms()).isCloseTo(1, within(0.01));
    }

    @Test
    void withTheBrokersAppendTimeTellsTheJobsFetchFromTheRestOfKafka() {
        // sent at 1 ms, appended at 2 ms, read by the job at 9 ms, emitted at 12 ms, answered at 31 ms
        send(0, 1);
        Timing timing = Timing.newBuilder().setBrokerAppendUs(5_000_000).setJobIngestUs(5_007_000)
                .setInferenceStartUs(5_008_000).setInferenceEndUs(5_009_000).setEmitUs(5_010_000).build();
        tracker.onCoordinates(coordinates(0, 1, TRUTH).toBuilder().setTiming(timing).build(), 31 * MS);
        // an append stamp after the job read the frame (clocks apart) books no fetch
        send(0, 2);
        tracker.onCoordinates(coordinates(0, 2, TRUTH).toBuilder()
                .setTiming(timing.toBuilder().setBrokerAppendUs(5_007_001)).build(), 31 * MS);

        RunSummary.Stages stages = tracker.summarize(30, 1.0, Drift.UNDEFINED).stages();
        assertThat(stages.stages()).extracting(RunSummary.Stage::name)
                .containsExactly("Kafka and clients", "frames topic to job", "job to model", "model", "job to sink");
        // the first frame's 30 ms: 20 in Kafka and the clients, 7 from append to ingest, 1, 1, 1 in the job;
        // the second's: 27 and none
        assertThat(stages.stages()).extracting(RunSummary.Stage::shareOfSlow)
                .containsExactly(47.0 / 60, 7.0 / 60, 2.0 / 60, 2.0 / 60, 2.0 / 60);
        assertThat(stages.stages().get(1).p50Ms()).isCloseTo(7, within(0.01));
        assertThat(stages.stages().get(0).p50Ms()).isCloseTo(20, within(0.02));
    }

    @Test
    void judgesLateResponsesByTheJobsOwnTimingOnTheJobsClock() {
        send(0, 1);
        send(0, 2);
        Timing onTime = Timing.newBuilder()
                .setCaptureUs(1_000_000).setClockOffsetUs(5_000_000)
                .setEmitUs(6_000_000 + 33_000).setDeadlineMs(33).build();
        Timing late = onTime.toBuilder().setEmitUs(6_000_000 + 33_001).build();
        tracker.onCoordinates(coordinates(0, 1, TRUTH).toBuilder().setTiming(onTime).build(), MS);
        tracker.onCoordinates(coordinates(0, 2, TRUTH).toBuilder().setTiming(late).build(), MS);

        assertThat(tracker.summarize(30, 1.0, Drift.UNDEFINED).lateResponses()).isEqualTo(1);
    }

    @Test
    void measuresPoseErrorPerAngleAndAsOneRotation() {
        send(0, 1);
        send(1, 1);
        tracker.onCoordinates(coordinates(0, 1, TRUTH), 5 * MS);
        tracker.onCoordinates(coordinates(1, 1,
                new HeadPose(TRUTH.yawDeg() + 4, TRUTH.pitchDeg() - 2, TRUTH.rollDeg(), 0, 0, 0)),
                5 * MS);

        RunSummary summary = tracker.summarize(30, 1.0, Drift.UNDEFINED);

        assertThat(summary.poseMaeDeg().yaw()).isCloseTo(2.0, within(1e-4));
        assertThat(summary.poseMaeDeg().pitch()).isCloseTo(1.0, within(1e-4));
        assertThat(summary.poseMaeDeg().roll()).isCloseTo(0.0, within(1e-4));
        assertThat(summary.poseErrorDeg().mean()).isBetween(2.0, 2.5);
        assertThat(summary.posesOf(sessions.sessionId(1))).singleElement()
                .satisfies(s -> {
                    assertThat(s.sequence()).isEqualTo(1);
                    assertThat(s.truth()).isEqualTo(TRUTH);
                    assertThat(s.returned().yawDeg()).isCloseTo(14, within(1e-4));
                });
    }

    @Test
    void measuresAngleDifferencesTheShortWayRound() {
        assertThat(ResponseTracker.angleBetween(179, -179)).isCloseTo(2, within(1e-9));
        assertThat(ResponseTracker.angleBetween(-10, 10)).isCloseTo(20, within(1e-9));
    }

    @Test
    void settlesOnlyOnceSendingIsDoneAndTheLastAnswerIsIn() {
        send(0, 1);
        send(0, 2);
        tracker.onCoordinates(coordinates(0, 1, TRUTH), 5 * MS);
        tracker.onDropped(drop(0, 2, DropReason.OVERLOADED), 5 * MS);
        assertThat(tracker.allSettled()).isNotDone();

        tracker.sendingDone();

        assertThat(tracker.allSettled()).isDone();
    }

    @Test
    void settlesWhenTheLastAnswerArrivesAfterSendingIsDone() {
        send(0, 1);
        tracker.sendingDone();
        assertThat(tracker.allSettled()).isNotDone();

        tracker.onCoordinates(coordinates(0, 1, TRUTH), 5 * MS);

        assertThat(tracker.allSettled()).isDone();
    }

    @Test
    void reportsUndefinedStatisticsAsNaNWhenNothingWasAnswered() {
        send(0, 1);

        RunSummary summary = tracker.summarize(30, 1.0, Drift.UNDEFINED);

        assertThat(summary.rttMs().p50()).isNaN();
        assertThat(summary.poseErrorDeg().mean()).isNaN();
        assertThat(summary.poseMaeDeg().yaw()).isNaN();
        assertThat(summary.onTimeRatio()).isZero();
    }

    @Test
    void showsLiveProgress() {
        send(0, 1);
        send(0, 2);
        tracker.onDropped(drop(0, 1, DropReason.INVALID), 5 * MS);

        assertThat(tracker.progress()).isEqualTo(new ResponseTracker.Progress(2, 0, 1, 1, 0, 0));
    }
}
