package io.driftless.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.driftless.proto.Anchor;
import io.driftless.proto.AnchorVelocity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Carrying anchors forward against motion known in closed form. */
class AnchorTrackTest {

    private static final long MS = 1_000_000L;
    /** The chin moves right at 600 px/s and down at 150 px/s. */
    private static final double VX = 600;
    private static final double VY = 150;

    private static List<Anchor> chinAt(long nanos) {
        return List.of(Anchor.newBuilder().setName("chin")
                .setX((float) (100 + VX * nanos / 1e9))
                .setY((float) (200 + VY * nanos / 1e9)).build());
    }

    /** Index of the chin in the track's arrays. */
    private static int chin() {
        for (int i = 0; i < io.driftless.inference.pose.FaceGeometry.AR_ANCHORS.size(); i++) {
            if (io.driftless.inference.pose.FaceGeometry.AR_ANCHORS.get(i).name().equals("chin")) {
                return 2 * i;
            }
        }
        throw new AssertionError("no chin anchor");
    }

    private static AnchorTrack answered(long... captures) {
        AnchorTrack track = new AnchorTrack();
        for (long capture : captures) {
            track.add(capture, chinAt(capture), List.of());
        }
        return track;
    }

    @Test
    void carriesConstantVelocityExactlyToTheInstantAsked() {
        AnchorTrack track = answered(0, 33 * MS, 67 * MS);

        float[] xy = track.at(100 * MS);

        assertThat(xy[chin()]).isCloseTo((float) (100 + VX * 0.1), within(0.01f));
        assertThat(xy[chin() + 1]).isCloseTo((float) (200 + VY * 0.1), within(0.01f));
        assertThat(track.newest()[chin()]).isCloseTo((float) (100 + VX * 0.067), within(0.01f));
        assertThat(track.confidence(100 * MS)).isEqualTo(1);
    }

    @Test
    void holdsTheOverlayAtTheHorizonAndFadesItOutAfter() {
        AnchorTrack track = answered(0, 33 * MS, 67 * MS);
        long horizon = 67 * MS + AnchorTrack.HORIZON.toNanos();
        long fadeOut = 67 * MS + AnchorTrack.FADE_OUT.toNanos();

        assertThat(track.at(horizon + 500 * MS)[chin()])
                .isCloseTo((float) (100 + VX * horizon / 1e9), within(0.01f));
        assertThat(track.confidence(horizon)).isEqualTo(1);
        assertThat(track.confidence((horizon + fadeOut) / 2)).isCloseTo(0.5, within(1e-9));
        assertThat(track.confidence(fadeOut)).isZero();
        assertThat(track.confidence(fadeOut + 1_000 * MS)).isZero();
    }

    @Test
    void drawsASingleAnswerWhereItIsAndNothingWithoutOne() {
        AnchorTrack empty = new AnchorTrack();
        assertThat(empty.isEmpty()).isTrue();
        assertThat(empty.at(0)).isNull();
        assertThat(empty.confidence(0)).isZero();

        AnchorTrack one = answered(10 * MS);
        assertThat(one.at(50 * MS)[chin()]).isCloseTo((float) (100 + VX * 0.01), within(0.01f));
        assertThat(one.at(50 * MS)[0 == chin() ? 2 : 0]).as("an anchor no answer had").isNaN();
    }

    @Test
    void keepsTheFirstAnswerToAFrameAndFitsOnlyTheRecentOnes() {
        AnchorTrack track = answered(0, 33 * MS, 67 * MS);
        track.add(67 * MS, chinAt(0), List.of());
        // An answer long before the fit window does not bend the line.
        track.add(-900 * MS, List.of(Anchor.newBuilder().setName("chin").setX(5000).setY(0).build()), List.of());

        assertThat(track.at(100 * MS)[chin()]).isCloseTo((float) (100 + VX * 0.1), within(0.01f));
    }

    /** The job's velocity for the chin: the true one, VX and VY. */
    private static List<AnchorVelocity> chinVelocity() {
        return List.of(AnchorVelocity.newBuilder().setName("chin").setXPxPerS((float) VX).setYPxPerS((float) VY).build());
    }

    @Test
    void carriesASingleAnswerAtTheJobsVelocityToTheInstantAskedThenHoldsIt() {
        AnchorTrack track = new AnchorTrack();
        track.add(10 * MS, chinAt(10 * MS), chinVelocity());

        assertThat(track.newestHasVelocities()).isTrue();
        assertThat(track.at(50 * MS)[chin()]).isCloseTo((float) (100 + VX * 0.05), within(0.01f));
        assertThat(track.at(50 * MS)[chin() + 1]).isCloseTo((float) (200 + VY * 0.05), within(0.01f));
        long horizon = 10 * MS + AnchorTrack.HORIZON.toNanos();
        assertThat(track.at(horizon + 500 * MS)[chin()]).as("held at the horizon")
                .isCloseTo((float) (100 + VX * horizon / 1e9), within(0.01f));
        assertThat(track.at(50 * MS)[0 == chin() ? 2 : 0]).as("an anchor no answer had").isNaN();
    }

    @Test
    void followsTheJobsVelocityOverALineThroughAnswersThatTurned() {
        // the chin came from the left and has just stopped: the line through the answers still
        // moves it on, the job's velocity (zero) holds it where it is
        AnchorTrack track = new AnchorTrack();
        track.add(0, chinAt(0), List.of());
        track.add(33 * MS, chinAt(33 * MS), List.of());
        track.add(67 * MS, chinAt(33 * MS),
                List.of(AnchorVelocity.newBuilder().setName("chin").setXPxPerS(0).setYPxPerS(0).build()));

        assertThat(track.at(100 * MS)[chin()]).isCloseTo((float) (100 + VX * 0.033), within(0.01f));
    }

    @Test
    void fallsBackToTheLineForAnAnswerWithoutVelocities() {
        AnchorTrack track = new AnchorTrack();
        track.add(0, chinAt(0), chinVelocity());
        track.add(33 * MS, chinAt(33 * MS), chinVelocity());
        // the newest answer came without motion (the job's state had just restarted)
        track.add(67 * MS, chinAt(67 * MS), List.of());

        assertThat(track.newestHasVelocities()).isFalse();
        assertThat(track.at(100 * MS)[chin()]).isCloseTo((float) (100 + VX * 0.1), within(0.01f));
        assertThat(track.confidence(100 * MS)).isEqualTo(1);
    }

    @Test
    void takesAnswersAsArraysInAnchorOrderAsItTakesThemAsMessages() {
        int anchors = io.driftless.inference.pose.FaceGeometry.AR_ANCHORS.size();
        float[] xy = new float[2 * anchors];
        float[] velocity = new float[2 * anchors];
        java.util.Arrays.fill(xy, Float.NaN);
        java.util.Arrays.fill(velocity, Float.NaN);
        xy[chin()] = 100;
        xy[chin() + 1] = 200;
        velocity[chin()] = (float) VX;
        velocity[chin() + 1] = (float) VY;
        AnchorTrack arrays = new AnchorTrack();
        arrays.add(0, xy, velocity);
        AnchorTrack messages = new AnchorTrack();
        messages.add(0, chinAt(0), chinVelocity());

        assertThat(arrays.at(40 * MS)).containsExactly(messages.at(40 * MS));
        assertThat(arrays.newestHasVelocities()).isTrue();
        AnchorTrack without = new AnchorTrack();
        without.add(0, xy, null);
        assertThat(without.newestHasVelocities()).isFalse();
        assertThat(without.at(40 * MS)[chin()]).as("drawn where answered").isEqualTo(100f);
    }
}
