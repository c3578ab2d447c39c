package io.driftless.source.internal;

import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import io.driftless.proto.Anchor;
import io.driftless.proto.ArCoordinates;
import io.driftless.source.RunSummary.Drift;
import io.driftless.source.RunSummary.PixelError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.HdrHistogram.Histogram;

/**
 * Drift as the user sees it. Each frame is shown at its capture instant plus a display delay,
 * with the overlay drawn from the newest answer received by then (the answer to the most recent
 * frame among those in); drift is the distance, in pixels of that frame, from each AR anchor as
 * drawn to where the anchor truly is on it.
 *
 * <p>Uncompensated, the overlay sits where the answer put it. Compensated, the client carries it
 * forward to the shown frame's capture instant along the anchors' velocity: a least-squares line
 * through the answers whose frames were captured within {@link #FIT_WINDOW} of the newest one's,
 * evaluated at that instant, never more than {@link #HORIZON} past the newest answer's frame (an
 * overlay older than that stays put rather than fly off). Times are the client's own: capture and
 * receive instants on its monotonic clock.
 *
 * <p>Threads: {@link #shown} is called by the one sender thread, {@link #onCoordinates} by the one
 * consumer thread, which measures as it goes: it stamps answers in the order it reads them, so an
 * answer received at R tells it that every answer received before R is in, and each frame shown
 * before R can be measured and forgotten. Memory stays bounded however long the run.
 * {@link #measure} runs once both threads have stopped.
 */
public final class DriftMeter implements AnswerListener {

    /** How far the client carries an answer past its frame's capture instant, at most. */
    public static final Duration HORIZON = Duration.ofMillis(100);
    /**
     * How far back from the newest answer's frame the velocity fit reaches: three answers at 30
     * fps. Longer averages out more noise but bends less with the motion; on exact answers to
     * fast motion 67 ms leaves a third less drift than 100 ms, on answers with 1 px of noise
     * about as much.
     */
    public static final Duration FIT_WINDOW = Duration.ofMillis(67);

    /** Distances go into an integer histogram in hundredths of a pixel. */
    private static final double HISTOGRAM_SCALE = 100;
    /** More answers than the fit window ever holds at any sane frame rate. */
    private static final int ANSWERS_KEPT = 16;
    /** Capture instants remembered per user, for answers to frames already measured. */
    private static final int CAPTURES_KEPT = 1_024;
    /** How often, in receive time, the frames of users without answers are measured too. */
    private static final long SWEEP_NANOS = 1_000_000_000L;
    private static final int ANCHORS = FaceGeometry.AR_ANCHORS.size();
    private static final Map<String, Integer> ANCHOR_INDEX = anchorIndex();

    private record Shown(long sequence, long captureNanos, float[] truth) {}

    private record Answer(long sequence, long captureNanos, float[] anchors) {}

    /** One user's frames waiting to be measured and answers at hand; consumer thread only. */
    private static final class UserView {
        final ArrayDeque<Shown> waiting = new ArrayDeque<>();
        final TreeMap<Long, Answer> received = new TreeMap<>();
        final Map<Long, Long> captures = new LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
                return size() > CAPTURES_KEPT;
            }
        };
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
        Long capture = view.captures.get(coordinates.getSequence());
        if (capture == null) {
            return;
        }
        float[] xy = new float[2 * ANCHORS];
        Arrays.fill(xy, Float.NaN);
        for (Anchor a : coordinates.getAnchorsList()) {
            Integer i = ANCHOR_INDEX.get(a.getName());
            if (i != null) {
                xy[2 * i] = a.getX();
                xy[2 * i + 1] = a.getY();
            }
        }
        view.received.putIfAbsent(coordinates.getSequence(),
                new Answer(coordinates.getSequence(), capture, xy));
        if (view.received.size() > ANSWERS_KEPT) {
            view.received.pollFirstEntry();
        }
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
                frames, framesWithoutOverlay);
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
            view.captures.put(f.sequence(), f.captureNanos());
        }
        while (!view.waiting.isEmpty()
                && (all || view.waiting.peek().captureNanos() + displayDelayNanos - nanos < 0)) {
            measure(view.waiting.poll(), view.received);
        }
    }

    private void measure(Shown frame, TreeMap<Long, Answer> received) {
        if (received.isEmpty()) {
            framesWithoutOverlay++;
            return;
        }
        frames++;
        Answer newest = received.lastEntry().getValue();
        long target = Math.min(frame.captureNanos(), newest.captureNanos() + HORIZON.toNanos());
        List<Answer> fit = new ArrayList<>();
        for (Answer a : received.values()) {
            if (newest.captureNanos() - a.captureNanos() <= FIT_WINDOW.toNanos()) {
                fit.add(a);
            }
        }
        for (int i = 0; i < 2 * ANCHORS; i += 2) {
            if (Float.isNaN(newest.anchors()[i])) {
                continue;
            }
            double trueX = frame.truth()[i];
            double trueY = frame.truth()[i + 1];
            double off = Math.hypot(newest.anchors()[i] - trueX, newest.anchors()[i + 1] - trueY);
            double x = extrapolate(fit, i, newest.captureNanos(), target);
            double y = extrapolate(fit, i + 1, newest.captureNanos(), target);
            double carried = Math.hypot(x - trueX, y - trueY);
            uncompensated.recordValue(Math.round(off * HISTOGRAM_SCALE));
            compensated.recordValue(Math.round(carried * HISTOGRAM_SCALE));
            compensatedSum += carried;
            uncompensatedSum += off;
        }
    }

    /**
     * Coordinate {@code c} of the anchors at {@code target}, on the least-squares line through
     * the fitted answers (times relative to the newest one's capture, in seconds); the newest
     * answer's own value when fewer than two answers have it.
     */
    private static double extrapolate(List<Answer> fit, int c, long newestCapture, long target) {
        double sumT = 0;
        double sumV = 0;
        int n = 0;
        double newest = Double.NaN;
        for (int k = 0; k < fit.size(); k++) {
            float v = fit.get(k).anchors()[c];
            if (!Float.isNaN(v)) {
                sumT += (fit.get(k).captureNanos() - newestCapture) / 1e9;
                sumV += v;
                n++;
                newest = v;
            }
        }
        if (n < 2) {
            return newest;
        }
        double meanT = sumT / n;
        double meanV = sumV / n;
        double stt = 0;
        double stv = 0;
        for (int k = 0; k < fit.size(); k++) {
            float v = fit.get(k).anchors()[c];
            if (!Float.isNaN(v)) {
                double t = (fit.get(k).captureNanos() - newestCapture) / 1e9 - meanT;
                stt += t * t;
                stv += t * (v - meanV);
            }
        }
        if (stt == 0) {
            return newest;
        }
        return meanV + stv / stt * ((target - newestCapture) / 1e9 - meanT);
    }

    private static PixelError pixels(Histogram h, double sum) {
        if (h.getTotalCount() == 0) {
            return PixelError.UNDEFINED;
        }
        return new PixelError(sum / h.getTotalCount(),
                h.getValueAtPercentile(95) / HISTOGRAM_SCALE,
                h.getValueAtPercentile(99) / HISTOGRAM_SCALE);
    }

    private static Map<String, Integer> anchorIndex() {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < ANCHORS; i++) {
            index.put(FaceGeometry.AR_ANCHORS.get(i).name(), i);
        }
        return Map.copyOf(index);
    }
}
