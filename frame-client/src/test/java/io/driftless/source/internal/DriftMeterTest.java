package io.driftless.source.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import io.driftless.proto.Anchor;
import io.driftless.proto.AnchorVelocity;
import io.driftless.proto.ArCoordinates;
import io.driftless.proto.Motion;
import io.driftless.source.AnchorTrack;
import io.driftless.source.RunSummary.Drift;
import java.time.Duration;
import java.util.function.DoubleFunction;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;

/**
 * Drift against motion known in closed form: a head sliding sideways at a constant speed moves
 * every anchor at a constant pixel velocity (a pinhole camera is linear in x at a fixed depth), so
 * uncompensated drift is that velocity times the answer's age, and carrying answers forward along
 * a line through them cancels it.
 */
class DriftMeterTest {

    private static final PinholeCamera VGA = PinholeCamera.withHorizontalFov(640, 480, 60);
    private static final long FRAME_NANOS = 1_000_000_000L / 30;
    private static final long MS = 1_000_000L;
    /** Half a metre per second sideways, half a metre from the camera. */
    private static final DoubleFunction<HeadPose> SLIDING =
            t -> new HeadPose(10, -5, 3, -0.1 + 0.5 * t, 0.01, 0.5);

    private final SessionIds sessions = new SessionIds("drift", 1);
    /** Whether the answers carry the anchors' true velocities, as the job's motion state sends them. */
    private boolean answersWithVelocities;

    /**
     * Shows {@code frames} frames at 30 fps and answers each one in {@code answered} exactly
     * (anchors where they truly were on it), received {@code latency} after its capture.
     */
    private Drift run(DriftMeter meter, int frames, long latencyNanos, LongPredicate answered) {
        for (long sequence = 1; sequence <= frames; sequence++) {
            long capture = (sequence - 1) * FRAME_NANOS;
            meter.shown(0, sequence, capture, SLIDING.apply(capture / 1e9));
        }
        for (long sequence = 1; sequence <= frames; sequence++) {
            long capture = (sequence - 1) * FRAME_NANOS;
            if (answered.test(sequence)) {
                meter.onCoordinates(exact(sequence, SLIDING.apply(capture / 1e9)),
                        capture + latencyNanos);
            }
        }
        return meter.measure();
    }

    private ArCoordinates exact(long sequence, HeadPose pose) {
        float[] xy = FaceGeometry.projectAnchors(pose, VGA);
        ArCoordinates.Builder answer = ArCoordinates.newBuilder()
                .setSessionId(sessions.sessionId(0))
                .setSequence(sequence);
        for (int i = 0; i < FaceGeometry.AR_ANCHORS.size(); i++) {
            answer.addAnchors(Anchor.newBuilder().setName(FaceGeometry.AR_ANCHORS.get(i).name())
                    .setX(xy[2 * i]).setY(xy[2 * i + 1]));
        }
        if (answersWithVelocities) {
            // sliding at 0.5 m/s sideways, nothing else moving
            float[] v = FaceGeometry.anchorVelocities(pose, new double[] {0, 0, 0, 0.5, 0, 0}, VGA);
            Motion.Builder motion = answer.getMotionBuilder();
            for (int i = 0; i < FaceGeometry.AR_ANCHORS.size(); i++) {
                motion.addAnchorVelocities(AnchorVelocity.newBuilder()
                        .setName(FaceGeometry.AR_ANCHORS.get(i).name())
                        .setXPxPerS(v[2 * i]).setYPxPerS(v[2 * i + 1]));
            }
        }
        return answer.build();
    }

    /** The mean distance the anchors travel in {@code nanos}: the drift of an answer that old. */
    private static double meanTravel(long nanos) {
        float[] now = FaceGeometry.projectAnchors(SLIDING.apply(0.5), VGA);
        float[] then = FaceGeometry.projectAnchors(SLIDING.apply(0.5 - nanos / 1e9), VGA);
        double sum = 0;
        for (int i = 0; i < now.length; i += 2) {
            sum += Math.hypot(now[i] - then[i], now[i + 1] - then[i + 1]);
        }
        return sum / (now.length / 2);
    }

    @Test
    void measuresTheDistanceTheFaceMovedSinceTheNewestAnswersFrameWhenUncompensated() {
        // 40 ms of latency: on a frame shown at its capture the newest answer is two frames old.
        Drift drift = run(new DriftMeter(sessions, VGA, Duration.ZERO), 60, 40 * MS, s -> true);

        assertThat(drift.framesWithoutOverlay()).isEqualTo(2);
        assertThat(drift.frames()).isEqualTo(58);
        double expected = meanTravel(2 * FRAME_NANOS);
        assertThat(expected).as("the motion moves anchors about 40 px in two frames")
                .isBetween(30.0, 50.0);
        assertThat(drift.uncompensated().mean()).isCloseTo(expected, within(0.01));
    }

    @Test
    void cancelsConstantVelocityDriftByCarryingAnswersForwardToTheShownFrame() {
        Drift drift = run(new DriftMeter(sessions, VGA, Duration.ZERO), 60, 40 * MS, s -> true);

        // Only the first frame shown has a single answer to go on.
        assertThat(drift.compensated().p95()).isLessThan(0.05);
        assertThat(drift.compensated().mean()).isLessThan(drift.uncompensated().mean() / 50);
    }

    @Test
    void carriesEvenASingleAnswerExactlyAtTheJobsVelocitiesAndCountsTheFramesItDid() {
        answersWithVelocities = true;
        Drift drift = run(new DriftMeter(sessions, VGA, Duration.ZERO), 60, 40 * MS, s -> true);

        assertThat(drift.framesAtJobVelocities()).isEqualTo(drift.frames()).isEqualTo(58);
        assertThat(drift.compensated().p99()).isLessThan(0.05);
    }

    @Test
    void drawsFromTheAnswerToTheShownFrameItselfWhenTheDisplayDelayCoversTheLatency() {
        Drift drift = run(new DriftMeter(sessions, VGA, Duration.ofMillis(45)), 60, 40 * MS,
                s -> true);

        assertThat(drift.framesWithoutOverlay()).isZero();
        assertThat(drift.uncompensated().p99()).isLessThan(0.05);
    }

    @Test
    void carriesAnOverlayNoFurtherThanTheHorizonWhenAnswersStop() {
        // Answers to the first 10 frames only, each received 1 ms after its capture; 20 shown.
        Drift drift = run(new DriftMeter(sessions, VGA, Duration.ZERO), 20, MS, s -> s <= 10);

        // Frame 11 and on draw from frame 10's answer: carried 100 ms at most, then held. The
        // last frame shown is 10 frames (333 ms) after it, so 233 ms of travel remain.
        long beyond = 10 * FRAME_NANOS - AnchorTrack.HORIZON.toNanos();
        double worstAnchor = 0;
        float[] now = FaceGeometry.projectAnchors(SLIDING.apply(19 * FRAME_NANOS / 1e9), VGA);
        float[] held = FaceGeometry.projectAnchors(
                SLIDING.apply((19 * FRAME_NANOS - beyond) / 1e9), VGA);
        for (int i = 0; i < now.length; i += 2) {
            worstAnchor = Math.max(worstAnchor, Math.hypot(now[i] - held[i], now[i + 1] - held[i + 1]));
        }
        assertThat(drift.frames()).isEqualTo(19);
        // The p99 of 114 distances is the second largest: the last frame's second anchor.
        assertThat(drift.compensated().p99()).isBetween(0.9 * worstAnchor, worstAnchor + 0.05);
        assertThat(drift.uncompensated().p99()).isGreaterThan(worstAnchor);
    }

    @Test
    void ignoresAnswersOfOtherSessionsAndDuplicates() {
        DriftMeter meter = new DriftMeter(sessions, VGA, Duration.ZERO);
        for (long sequence = 1; sequence <= 3; sequence++) {
            meter.shown(0, sequence, (sequence - 1) * FRAME_NANOS, SLIDING.apply(0));
        }
        ArCoordinates first = exact(1, SLIDING.apply(0));
        meter.onCoordinates(first.toBuilder().setSessionId("other-u0000").build(), 0);
        meter.onCoordinates(first, 0);
        // A duplicate far off must not replace the first answer.
        meter.onCoordinates(exact(1, SLIDING.apply(1)), MS);

        Drift drift = meter.measure();

        assertThat(drift.frames()).isEqualTo(3);
        assertThat(drift.framesWithoutOverlay()).isZero();
        assertThat(drift.uncompensated().p99()).isLessThan(0.05);
    }

    @Test
    void measuresFramesAsAnswersComeInSoAnEndlessRunKeepsNoBacklog() {
        DriftMeter meter = new DriftMeter(sessions, VGA, Duration.ZERO);
        long frames = 30 * 60 * 10;
        for (long sequence = 1; sequence <= frames; sequence++) {
            long capture = (sequence - 1) * FRAME_NANOS;
            meter.shown(0, sequence, capture, SLIDING.apply(0));
            meter.onCoordinates(exact(sequence, SLIDING.apply(0)), capture + MS);
        }

        assertThat(meter.backlog()).as("frames shown but not yet measured").isLessThanOrEqualTo(1);
        Drift drift = meter.measure();

        assertThat(drift.frames()).isEqualTo(frames - 1);
        assertThat(drift.framesWithoutOverlay()).as("the first, shown before its answer").isOne();
    }

    @Test
    void matchesAnswersToTheLastThousandFramesShownAndNoOlder() {
        // 1,100 frames shown before any answer: the 77th is among the last 1,024, the 76th is not
        Drift kept = run(new DriftMeter(sessions, VGA, Duration.ZERO), 1_100, 50 * MS, s -> s == 77);
        Drift forgotten = run(new DriftMeter(sessions, VGA, Duration.ZERO), 1_100, 50 * MS, s -> s == 76);

        assertThat(kept.frames()).as("frames drawn with the 77th frame's answer").isEqualTo(1_100 - 78);
        assertThat(forgotten.frames()).isZero();
        assertThat(forgotten.framesWithoutOverlay()).isEqualTo(1_100);
    }
}
