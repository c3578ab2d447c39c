package io.driftless.source;

import io.driftless.inference.pose.FaceGeometry;
import io.driftless.proto.Anchor;
import io.driftless.proto.AnchorVelocity;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where to draw one session's AR anchors at any instant, from the newest answers: carried forward
 * from the newest answer's frame at the velocities the job sent with it ({@code
 * ArCoordinates.motion}), or, for an anchor it sent none for, along a least-squares line through
 * the answers whose frames were captured within {@link #FIT_WINDOW} of it; never more than {@link
 * #HORIZON} ahead (then held, not flung off); drawn with full confidence up to the horizon, fading
 * to none at {@link #FADE_OUT}. So a late or dropped answer neither freezes nor jumps the overlay,
 * and a stream of answers that stops lets it fade away. Times are the client's own monotonic
 * clock; one thread.
 *
 * <pre>{@code
 * AnchorTrack track = new AnchorTrack();
 * track.add(captureNanosOfItsFrame, answer.getAnchorsList(), answer.getMotion().getAnchorVelocitiesList());
 * float[] xy = track.at(captureNanosOfTheFrameShown);   // x0, y0, x1, ... in AR_ANCHORS order
 * double alpha = track.confidence(captureNanosOfTheFrameShown);
 * }</pre>
 */
public final class AnchorTrack {

    /** How far an answer is carried past its frame's capture instant, at most. */
    public static final Duration HORIZON = Duration.ofMillis(100);
    /**
     * How far back from the newest answer's frame the velocity fit reaches: three answers at 30
     * fps. Longer averages out more noise but bends less with the motion; on exact answers to
     * fast motion 67 ms leaves a third less drift than 100 ms, on answers with 1 px of noise
     * about as much.
     */
    public static final Duration FIT_WINDOW = Duration.ofMillis(67);
    /** How old, past its frame's capture, the newest answer may be and still be drawn at all. */
    public static final Duration FADE_OUT = Duration.ofMillis(300);

    /** More answers than the fit window ever holds at any sane frame rate. */
    private static final int ANSWERS_KEPT = 16;
    private static final int ANCHORS = FaceGeometry.AR_ANCHORS.size();
    private static final Map<String, Integer> ANCHOR_INDEX = anchorIndex();

    /**
     * One answer: anchors (x0, y0, ... in {@link FaceGeometry#AR_ANCHORS} order) and their
     * velocities in pixels per second, NaN where the answer had none.
     */
    private record Answer(float[] xy, float[] velocity) {}

    /** Answers by their frame's capture. */
    private final TreeMap<Long, Answer> answers = new TreeMap<>();

    /**
     * Adds the answer to the frame captured at {@code captureNanos}, with the velocities the job
     * sent for its anchors (none for an answer without motion); the first answer to a frame counts.
     */
    public void add(long captureNanos, List<Anchor> anchors, List<AnchorVelocity> velocities) {
        float[] xy = new float[2 * ANCHORS];
        Arrays.fill(xy, Float.NaN);
        for (Anchor a : anchors) {
            Integer i = ANCHOR_INDEX.get(a.getName());
            if (i != null) {
                xy[2 * i] = a.getX();
                xy[2 * i + 1] = a.getY();
            }
        }
        float[] velocity = new float[2 * ANCHORS];
        Arrays.fill(velocity, Float.NaN);
        for (AnchorVelocity v : velocities) {
            Integer i = ANCHOR_INDEX.get(v.getName());
            if (i != null && Float.isFinite(v.getXPxPerS()) && Float.isFinite(v.getYPxPerS())) {
                velocity[2 * i] = v.getXPxPerS();
                velocity[2 * i + 1] = v.getYPxPerS();
            }
        }
        add(captureNanos, new Answer(xy, velocity));
    }

    /**
     * The same with the anchors as x0, y0, x1, ... in {@link FaceGeometry#AR_ANCHORS} order and
     * their velocities in pixels per second in the same order, or null for an answer without them.
     */
    public void add(long captureNanos, float[] anchors, float[] velocities) {
        if (anchors.length != 2 * ANCHORS || (velocities != null && velocities.length != 2 * ANCHORS)) {
            throw new IllegalArgumentException("anchors and velocities take " + 2 * ANCHORS + " values each");
        }
        float[] velocity = new float[2 * ANCHORS];
        Arrays.fill(velocity, Float.NaN);
        if (velocities != null) {
            for (int c = 0; c < velocity.length; c++) {
                velocity[c] = Float.isFinite(velocities[c]) ? velocities[c] : Float.NaN;
            }
        }
        add(captureNanos, new Answer(anchors.clone(), velocity));
    }

    private void add(long captureNanos, Answer answer) {
        answers.putIfAbsent(captureNanos, answer);
        if (answers.size() > ANSWERS_KEPT) {
            answers.pollFirstEntry();
        }
    }

    public boolean isEmpty() {
        return answers.isEmpty();
    }

    /** The newest answer's anchors as answered (NaN where it had none); empty track: null. */
    public float[] newest() {
        return answers.isEmpty() ? null : answers.lastEntry().getValue().xy().clone();
    }

    /** Whether the newest answer came with the job's velocity for at least one anchor. */
    public boolean newestHasVelocities() {
        if (answers.isEmpty()) {
            return false;
        }
        for (float v : answers.lastEntry().getValue().velocity()) {
            if (!Float.isNaN(v)) {
                return true;
            }
        }
        return false;
    }

    /** The anchors carried to {@code nanos} (NaN where the answers had none); empty track: null. */
    public float[] at(long nanos) {
        if (answers.isEmpty()) {
            return null;
        }
        long newest = answers.lastKey();
        long target = Math.min(nanos, newest + HORIZON.toNanos());
        Answer last = answers.lastEntry().getValue();
        Map<Long, Answer> fit = answers.tailMap(newest - FIT_WINDOW.toNanos(), true);
        float[] xy = new float[2 * ANCHORS];
        for (int c = 0; c < xy.length; c++) {
            xy[c] = Float.isNaN(last.velocity()[c])
                    ? (float) carried(fit, c, newest, target)
                    : (float) (last.xy()[c] + last.velocity()[c] * ((target - newest) / 1e9));
        }
        return xy;
    }

    /**
     * How sure the overlay is at {@code nanos}: 1 up to {@link #HORIZON} past the newest answer's
     * frame, falling linearly to 0 at {@link #FADE_OUT}; 0 for an empty track.
     */
    public double confidence(long nanos) {
        if (answers.isEmpty()) {
            return 0;
        }
        double age = nanos - answers.lastKey();
        double horizon = HORIZON.toNanos();
        double fadeOut = FADE_OUT.toNanos();
        return Math.max(0, Math.min(1, (fadeOut - age) / (fadeOut - horizon)));
    }

    /**
     * Coordinate {@code c} at {@code target} on the least-squares line through the fitted answers
     * (times relative to the newest one's frame, in seconds); the newest answer's own value when
     * fewer than two answers have it.
     */
    private static double carried(Map<Long, Answer> fit, int c, long newest, long target) {
        double sumT = 0;
        double sumV = 0;
        int n = 0;
        double last = Double.NaN;
        for (Map.Entry<Long, Answer> e : fit.entrySet()) {
            float v = e.getValue().xy()[c];
            if (!Float.isNaN(v)) {
                sumT += (e.getKey() - newest) / 1e9;
                sumV += v;
                n++;
                last = v;
            }
        }
        if (n < 2) {
            return last;
        }
        double meanT = sumT / n;
        double meanV = sumV / n;
        double stt = 0;
        double stv = 0;
        for (Map.Entry<Long, Answer> e : fit.entrySet()) {
            float v = e.getValue().xy()[c];
            if (!Float.isNaN(v)) {
                double t = (e.getKey() - newest) / 1e9 - meanT;
                stt += t * t;
                stv += t * (v - meanV);
            }
        }
        if (stt == 0) {
            return last;
        }
        return meanV + stv / stt * ((target - newest) / 1e9 - meanT);
    }

    private static Map<String, Integer> anchorIndex() {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < ANCHORS; i++) {
            index.put(FaceGeometry.AR_ANCHORS.get(i).name(), i);
        }
        return Map.copyOf(index);
    }
}
