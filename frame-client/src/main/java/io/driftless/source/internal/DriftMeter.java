package io.driftless.source.internal;

import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import io.driftless.proto.ArCoordinates;
import io.driftless.source.AnchorTrack;
import io.driftless.source.RunSummary.Drift;
import io.driftless.source.RunSummary.PixelError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.HdrHistogram.Histogram;

/**
 * Drift as the user sees it. Each frame is shown at its capture instant plus a display delay,
 * with the overlay drawn from the newest answer received by then (the answer to the most recent
 * frame among those in); drift is the distance, in pixels of that frame, from each AR anchor as
 * drawn to where the anchor truly is on it.
 *
 * <p>Uncompensated, the overlay sits where the answer put it. Compensated, the client carries it
 * forward to the shown frame's capture instant as {@link AnchorTrack} does (at the anchor
 * velocities the job sent, or along a line fitted through the last answers for answers without
 * them; at most {@link AnchorTrack#HORIZON} ahead, then held). Times are the
 * client's own: capture and receive instants on its monotonic clock.
 *
 * <p>Threads: {@link #shown} is called by the one sender thread, {@link #onCoordinates} by the one
 * consumer thread, which measures as it goes: it stamps answers in the order it reads them, so an
 * answer received at R tells it that every answer received before R is in, and each frame shown
 * before R can be measured and forgotten. Memory stays bounded however long the run.
 * {@link #measure} runs once both threads have stopped.
 */
public final class DriftMeter implements AnswerListener {

    /** Distances go into an integer histogram in hundredths of a pixel. */
    private static final double HISTOGRAM_SCALE = 100;
    /** Capture instants remembered per user, for answers to frames already measured. */
    private static final int CAPTURES_KEPT = 1_024;
    /** How often, in receive time, the frames of users without answers are measured too. */
    private static final long SWEEP_NANOS = 1_000_000_000L;
    private record Shown(long sequence, long captureNanos, float[] truth) {}

    /** What {@link UserView#captureOf} says of a frame it no longer remembers. */
    private static final long UNKNOWN = Long.MIN_VALUE;

    /** One user's frames waiting to be measured and answers at hand; consumer thread only. */
    private static final class UserView {
        final ArrayDeque<Shown> waiting = new ArrayDeque<>();
        final AnchorTrack received = new AnchorTrack();
        // the last frames' capture instants by sequence, in a ring of primitives: a boxed map kept
        // each frame's entry alive for half a minute, which the collector copied at every pause
        final long[] captureSequence = new long[CAPTURES_KEPT];
        final long[] captureNanos = new long[CAPTURES_KEPT];

        UserView() {
            Arrays.fill(captureSequence, -1);
        }

        void remember(long sequence, long nanos) {
            int slot = Math.floorMod(sequence, CAPTURES_KEPT);
            captureSequence[slot] = sequence;
            captureNanos[slot] = nanos;
        }

        /** The capture instant of frame {@code sequence}, or {@link #UNKNOWN} when it is not among the last ones. */
        long captureOf(long sequence) {
            int slot = Math.floorMod(sequence, CAPTURES_KEPT);
            return captureSequence[slot] == sequence ? captureNanos[slot] : UNKNOWN;
        }
    }

    private final SessionIds sessions;
    private final PinholeCamera camera;
    private final long displayDelayNanos;
    private final List<Queue<Shown>> shown;
    private final UserView[] views;
    private final Histogram compensated = new Histogram(3);
    private final Histogram uncompensated = new Histogram(3);
    private double compensatedSum;
    private double uncompensatedSum;
    private long frames;
    private long framesWithoutOverlay;
    private long framesAtJobVelocities;
    private long lastSweepNanos;
    private boolean sweptOnce;

    /**
     * @param displayDelay how long after its capture a frame is on the screen
     */
    public DriftMeter(SessionIds sessions, PinholeCamera camera, Duration displayDelay) {
        this.sessions = sessions;
        this.camera = camera;
        this.displayDelayNanos = displayDelay.toNanos();
        this.shown = new ArrayList<>(sessions.users());
        this.views = new UserView[sessions.users()];
        for (int user = 0; user < sessions.users(); user++) {
            shown.add(new ConcurrentLinkedQueue<>());
            views[user] = new UserView();
        }
    }

    /** Frame {@code sequence} of {@code user}, captured at {@code captureNanos}, shows {@code truth}. */
    public void shown(int user, long sequence, long captureNanos, HeadPose truth) {
        shown.get(user).add(new Shown(sequence, captureNanos,
                FaceGeometry.projectAnchors(truth, camera)));
    }

    @Override
    public void onCoordinates(ArCoordinates coordinates, long receiveNanos) {
        int user = sessions.userOf(coordinates.getSessionId());
        if (user < 0) {
            return;
        }
        if (!sweptOnce || receiveNanos - lastSweepNanos > SWEEP_NANOS) {
            for (int u = 0; u < views.length; u++) {
                measureUntil(u, receiveNanos, false);
            }
            lastSweepNanos = receiveNanos;
            sweptOnce = true;
        }
        // Frames shown before this answer arrived are drawn without it.
        measureUntil(user, receiveNanos, false);
        UserView view = views[user];
        long capture = view.captureOf(coordinates.getSequence());
        if (capture == UNKNOWN) {
            return;
        }
        view.received.add(capture, coordinates.getAnchorsList(), coordinates.getMotion().getAnchorVelocitiesList());
    }

    /**
     * The drift over every frame shown with an overlay; call once, after the sender and consumer
     * threads have stopped (no answer comes any more, so every frame waiting is measured).
     */
    public Drift measure() {
        for (int user = 0; user < views.length; user++) {
            measureUntil(user, 0, true);
        }
        return new Drift(pixels(compensated, compensatedSum), pixels(uncompensated, uncompensatedSum),
                frames, framesWithoutOverlay, framesAtJobVelocities);
    }

    /** Frames taken in but not yet measured, across users: a test hook, consumer thread only. */
    int backlog() {
        int n = 0;
        for (UserView view : views) {
            n += view.waiting.size();
        }
        return n;
    }

    /** Takes in the user's frames shown so far and measures those shown before {@code nanos}. */
    private void measureUntil(int user, long nanos, boolean all) {
        UserView view = views[user];
        for (Shown f = shown.get(user).poll(); f != null; f = shown.get(user).poll()) {
            view.waiting.add(f);
            view.remember(f.sequence(), f.captureNanos());
        }
        while (!view.waiting.isEmpty()
                && (all || view.waiting.peek().captureNanos() + displayDelayNanos - nanos < 0)) {
            measure(view.waiting.poll(), view.received);
        }
    }

    private void measure(Shown frame, AnchorTrack received) {
        if (received.isEmpty()) {
            framesWithoutOverlay++;
            return;
        }
        frames++;
        if (received.newestHasVelocities()) {
            framesAtJobVelocities++;
        }
        float[] answered = received.newest();
        float[] carried = received.at(frame.captureNanos());
        float[] truth = frame.truth();
        for (int i = 0; i < answered.length; i += 2) {
            if (Float.isNaN(answered[i])) {
                continue;
            }
            double off = Math.hypot(answered[i] - truth[i], answered[i + 1] - truth[i + 1]);
            double left = Math.hypot(carried[i] - truth[i], carried[i + 1] - truth[i + 1]);
            uncompensated.recordValue(Math.round(off * HISTOGRAM_SCALE));
            compensated.recordValue(Math.round(left * HISTOGRAM_SCALE));
            compensatedSum += left;
            uncompensatedSum += off;
        }
    }

    private static PixelError pixels(Histogram h, double sum) {
        if (h.getTotalCount() == 0) {
            return PixelError.UNDEFINED;
        }
        return new PixelError(sum / h.getTotalCount(),
                h.getValueAtPercentile(95) / HISTOGRAM_SCALE,
                h.getValueAtPercentile(99) / HISTOGRAM_SCALE);
    }
}
