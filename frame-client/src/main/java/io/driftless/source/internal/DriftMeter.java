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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * consumer thread; {@link #measure} runs once both have stopped.
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
    private static final int ANCHORS = FaceGeometry.AR_ANCHORS.size();
    private static final Map<String, Integer> ANCHOR_INDEX = anchorIndex();

    private record Shown(long sequence, long captureNanos, float[] truth) {}

    private record Answer(long sequence, long receiveNanos, float[] anchors) {}

    private final SessionIds sessions;
    private final PinholeCamera camera;
    private final long displayDelayNanos;
    private final List<List<Shown>> shown;
    private final List<List<Answer>> answers;

    /**
     * @param displayDelay how long after its capture a frame is on the screen
     */
    public DriftMeter(SessionIds sessions, PinholeCamera camera, Duration displayDelay) {
        this.sessions = sessions;
        this.camera = camera;
        this.displayDelayNanos = displayDelay.toNanos();
        this.shown = new ArrayList<>(sessions.users());
        this.answers = new ArrayList<>(sessions.users());
        for (int user = 0; user < sessions.users(); user++) {
            shown.add(new ArrayList<>());
            answers.add(new ArrayList<>());
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
        float[] xy = new float[2 * ANCHORS];
        Arrays.fill(xy, Float.NaN);
        for (Anchor a : coordinates.getAnchorsList()) {
            Integer i = ANCHOR_INDEX.get(a.getName());
            if (i != null) {
                xy[2 * i] = a.getX();
                xy[2 * i + 1] = a.getY();
            }
        }
        answers.get(user).add(new Answer(coordinates.getSequence(), receiveNanos, xy));
    }

    /** The drift over every frame shown with an overlay, once sender and consumer have stopped. */
    public Drift measure() {
        Histogram compensated = new Histogram(3);
        Histogram uncompensated = new Histogram(3);
        double[] sums = new double[2];
        long frames = 0;
        long withoutOverlay = 0;
        long horizon = HORIZON.toNanos();
        long window = FIT_WINDOW.toNanos();
        for (int user = 0; user < shown.size(); user++) {
            Map<Long, Long> captureOf = new HashMap<>();
            shown.get(user).forEach(f -> captureOf.put(f.sequence(), f.captureNanos()));
            List<Answer> arrived = answers.get(user);
            TreeMap<Long, Answer> received = new TreeMap<>();
            int next = 0;
            for (Shown frame : shown.get(user)) {
                long displayNanos = frame.captureNanos() + displayDelayNanos;
                for (; next < arrived.size() && arrived.get(next).receiveNanos() - displayNanos <= 0;
                        next++) {
                    Answer a = arrived.get(next);
                    if (captureOf.containsKey(a.sequence())) {
                        received.putIfAbsent(a.sequence(), a);
                        if (received.size() > ANSWERS_KEPT) {
                            received.pollFirstEntry();
                        }
                    }
                }
                if (received.isEmpty()) {
                    withoutOverlay++;
                    continue;
                }
                frames++;
                Answer newest = received.lastEntry().getValue();
                long newestCapture = captureOf.get(newest.sequence());
                long target = Math.min(frame.captureNanos(), newestCapture + horizon);
                List<Answer> fit = new ArrayList<>();
                List<Long> fitCaptures = new ArrayList<>();
                for (Answer a : received.values()) {
                    long capture = captureOf.get(a.sequence());
                    if (newestCapture - capture <= window) {
                        fit.add(a);
                        fitCaptures.add(capture);
                    }
                }
                for (int i = 0; i < 2 * ANCHORS; i += 2) {
                    if (Float.isNaN(newest.anchors()[i])) {
                        continue;
                    }
                    double trueX = frame.truth()[i];
                    double trueY = frame.truth()[i + 1];
                    double off = Math.hypot(newest.anchors()[i] - trueX,
                            newest.anchors()[i + 1] - trueY);
                    double x = extrapolate(fit, fitCaptures, i, newestCapture, target);
                    double y = extrapolate(fit, fitCaptures, i + 1, newestCapture, target);
                    double carried = Math.hypot(x - trueX, y - trueY);
                    uncompensated.recordValue(Math.round(off * HISTOGRAM_SCALE));
                    compensated.recordValue(Math.round(carried * HISTOGRAM_SCALE));
                    sums[0] += carried;
                    sums[1] += off;
                }
            }
        }
        long samples = compensated.getTotalCount();
        return new Drift(pixels(compensated, sums[0]), pixels(uncompensated, sums[1]), frames,
                withoutOverlay);
    }

    /**
     * Coordinate {@code c} of the anchors at {@code target}, on the least-squares line through
     * the fitted answers (times relative to the newest one's capture, in seconds); the newest
     * answer's own value when fewer than two answers have it.
     */
    static double extrapolate(List<Answer> fit, List<Long> captures, int c, long newestCapture,
            long target) {
        double sumT = 0;
        double sumV = 0;
        int n = 0;
        double newest = Double.NaN;
        for (int k = 0; k < fit.size(); k++) {
            float v = fit.get(k).anchors()[c];
            if (!Float.isNaN(v)) {
                sumT += (captures.get(k) - newestCapture) / 1e9;
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
                double t = (captures.get(k) - newestCapture) / 1e9 - meanT;
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
