package io.driftless.source.internal;

import io.driftless.inference.pose.HeadPose;
import io.driftless.proto.AnnotatedFrame;
import io.driftless.proto.ArCoordinates;
import io.driftless.proto.DropReason;
import io.driftless.proto.DroppedFrame;
import io.driftless.proto.Timing;
import io.driftless.source.RunSummary;
import io.driftless.source.RunSummary.AngleErrors;
import io.driftless.source.RunSummary.Drift;
import io.driftless.source.RunSummary.Latency;
import io.driftless.source.RunSummary.PoseError;
import io.driftless.source.RunSummary.PoseSample;
import io.driftless.source.RunSummary.Quantile;
import io.driftless.source.RunSummary.Second;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.Recorder;

/**
 * Matches answers to the frames in flight and keeps the run's books.
 *
 * <p>Threads: {@link #expect} is called by the one sender thread, {@code on*} by the one consumer
 * thread, which alone owns the histograms and per-user state; the counters behind
 * {@link #progress()} and {@link #intervalRtt()} may be read from any thread.
 * {@link #summarize} reads the consumer's state and must run after that thread has stopped.
 */
public final class ResponseTracker {

    /**
     * What the client remembers of a frame until its answer arrives.
     *
     * @param truth the pose the frame was made from, or null when it is not known (a real camera)
     */
    public record InFlight(long sendNanos, long captureNanos, int deadlineMs, HeadPose truth) {}

    /** Counters at one instant; each is exact, together they may be a few frames apart. */
    public record Progress(long sent, long responses, long dropped, long inFlight, long onTime,
            long duplicates) {}

    private static final int SEQUENCE_BITS = 40;
    /** Pose errors go into an integer histogram in thousandths of a degree. */
    private static final double POSE_ERROR_SCALE = 1000;
    /** Points of the round-trip distribution per halving of the share still above them. */
    private static final int QUANTILE_STEPS_PER_HALF = 5;

    private final SessionIds sessions;
    private final boolean recordPoses;
    private final boolean imageAnswers;
    private final ConcurrentHashMap<Long, InFlight> pending;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong outstanding = new AtomicLong();
    private final AtomicLong responses = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong onTime = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final Recorder rttIntervalMicros = new Recorder(3);
    private final CompletableFuture<Void> allSettled = new CompletableFuture<>();
    private volatile boolean sendingDone;
    /** The first frame's capture instant: second 0 of the per-second books. */
    private volatile long originNanos = Long.MIN_VALUE;

    // Sender thread only.
    private final PerSecond sentBySecond = new PerSecond();

    // Consumer thread only.
    private final BitSet[] answered;
    private final List<List<PoseSample>> poses;
    private final long[] droppedByReason = new long[DropReason.values().length];
    private final PerSecond onTimeBySecond = new PerSecond();
    private final Histogram rttMicros = new Histogram(3);
    /** Consumer thread only. */
    private final StageBooks stages = new StageBooks();
    private final Histogram poseErrorMilliDeg = new Histogram(3);
    private double poseErrorSum;
    private double yawErrorSum;
    private double pitchErrorSum;
    private double rollErrorSum;
    private long poseCount;
    private long lateResponses;

    /** Books for landmark frames: coordinates answer a frame. */
    public ResponseTracker(SessionIds sessions, boolean recordPoses) {
        this(sessions, recordPoses, false);
    }

    /**
     * @param imageAnswers whether the frames are images, which the job answers with an annotated
     *     frame (that one settles the frame; coordinates of a face found ride along, uncounted),
     *     rather than landmarks, which it answers with coordinates
     */
    public ResponseTracker(SessionIds sessions, boolean recordPoses, boolean imageAnswers) {
        this.sessions = sessions;
        this.recordPoses = recordPoses;
        this.imageAnswers = imageAnswers;
        this.pending = new ConcurrentHashMap<>(Math.max(16, sessions.users() * 4));
        this.answered = new BitSet[sessions.users()];
        this.poses = new ArrayList<>(recordPoses ? sessions.users() : 0);
        for (int user = 0; user < sessions.users(); user++) {
            answered[user] = new BitSet();
            if (recordPoses) {
                poses.add(new ArrayList<>());
            }
        }
    }

    /** Registers a frame; call before handing it to the producer, so no answer can beat it. */
    public void expect(int user, long sequence, InFlight frame) {
        if (originNanos == Long.MIN_VALUE) {
            originNanos = frame.captureNanos();
        }
        sentBySecond.add(second(frame));
        pending.put(key(user, sequence), frame);
        outstanding.incrementAndGet();
        sent.incrementAndGet();
    }

    /** No frames will follow; {@link #allSettled()} completes once every frame is answered. */
    public void sendingDone() {
        sendingDone = true;
        if (outstanding.get() == 0) {
            allSettled.complete(null);
        }
    }

    /** Completes when sending is done and every frame sent has its answer. */
    public CompletableFuture<Void> allSettled() {
        return allSettled;
    }

    public void onCoordinates(ArCoordinates response, long receiveNanos) {
        if (imageAnswers) {
            return;
        }
        int user = sessions.userOf(response.getSessionId());
        InFlight frame = user < 0 ? null : firstAnswer(user, response.getSequence());
        if (frame == null) {
            return;
        }
        answered(frame, response.hasTiming() ? response.getTiming() : null,
                response.getCaptureTimeUs(), receiveNanos);
        if (frame.truth() != null && response.hasPose() && finite(response.getPose())) {
            recordPose(user, response.getSequence(), frame.truth(), response.getPose());
        }
    }

    /** An annotated frame: the answer to an image frame; ignored when the frames are landmarks. */
    public void onAnnotated(AnnotatedFrame response, long receiveNanos) {
        if (!imageAnswers) {
            return;
        }
        int user = sessions.userOf(response.getSessionId());
        InFlight frame = user < 0 ? null : firstAnswer(user, response.getSequence());
        if (frame == null) {
            return;
        }
        answered(frame, response.hasTiming() ? response.getTiming() : null,
                response.getCaptureTimeUs(), receiveNanos);
    }

    private void answered(InFlight frame, Timing timing, long captureTimeUs, long receiveNanos) {
        long rtt = Math.max(0, (receiveNanos - frame.sendNanos()) / 1_000);
        rttMicros.recordValue(rtt);
        rttIntervalMicros.recordValue(rtt);
        if (receiveNanos - frame.captureNanos() <= frame.deadlineMs() * 1_000_000L) {
            onTime.incrementAndGet();
            onTimeBySecond.add(second(frame));
        }
        if (timing != null) {
            if (emittedLate(timing, captureTimeUs, frame.deadlineMs())) {
                lateResponses++;
            }
            stages.record(rtt, timing, frame.deadlineMs());
        }
        responses.incrementAndGet();
        settled();
    }

    public void onDropped(DroppedFrame drop, long receiveNanos) {
        int user = sessions.userOf(drop.getSessionId());
        InFlight frame = user < 0 ? null : firstAnswer(user, drop.getSequence());
        if (frame == null) {
            return;
        }
        droppedByReason[drop.getReason().ordinal()]++;
        dropped.incrementAndGet();
        settled();
    }

    public Progress progress() {
        return new Progress(sent.get(), responses.get(), dropped.get(), outstanding.get(),
                onTime.get(), duplicates.get());
    }

    /** Round trips in microseconds since the previous call. */
    public Histogram intervalRtt() {
        return rttIntervalMicros.getIntervalHistogram();
    }

    /**
     * The books, once the consumer thread has stopped; what is still pending is unanswered.
     *
     * @param drift what the user saw, measured apart from the books
     */
    public RunSummary summarize(int fps, double durationS, Drift drift) {
        Map<String, Long> drops = new LinkedHashMap<>();
        for (DropReason reason : DropReason.values()) {
            long n = droppedByReason[reason.ordinal()];
            boolean real = reason != DropReason.DROP_REASON_UNSPECIFIED
                    && reason != DropReason.UNRECOGNIZED;
            if (real || n > 0) {
                drops.put(reason.name(), n);
            }
        }
        Map<String, List<PoseSample>> samples = new LinkedHashMap<>();
        for (int user = 0; user < poses.size(); user++) {
            samples.put(sessions.sessionId(user), poses.get(user));
        }
        boolean answeredAny = rttMicros.getTotalCount() > 0;
        Latency rtt = answeredAny
                ? new Latency(
                        rttMicros.getValueAtPercentile(50) / 1e3,
                        rttMicros.getValueAtPercentile(99) / 1e3,
                        rttMicros.getValueAtPercentile(99.9) / 1e3,
                        rttMicros.getMaxValue() / 1e3)
                : new Latency(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        PoseError poseError = poseCount > 0
                ? new PoseError(poseErrorSum / poseCount,
                        poseErrorMilliDeg.getValueAtPercentile(95) / POSE_ERROR_SCALE)
                : new PoseError(Double.NaN, Double.NaN);
        AngleErrors mae = poseCount > 0
                ? new AngleErrors(yawErrorSum / poseCount, pitchErrorSum / poseCount,
                        rollErrorSum / poseCount)
                : new AngleErrors(Double.NaN, Double.NaN, Double.NaN);
        return new RunSummary(sessions.runId(), sessions.users(), fps, durationS, sent.get(),
                responses.get(), drops, outstanding.get(), duplicates.get(), lateResponses,
                onTime.get(), rtt, poseError, mae, samples, distribution(rttMicros), drift, bySecond(),
                stages.summary());
    }

    private List<Second> bySecond() {
        List<Second> seconds = new ArrayList<>(sentBySecond.length());
        for (int s = 0; s < sentBySecond.length(); s++) {
            seconds.add(new Second(sentBySecond.get(s), onTimeBySecond.get(s)));
        }
        return seconds;
    }

    /** Whole seconds from the first frame's capture to this frame's. */
    private int second(InFlight frame) {
        return (int) Math.max(0, (frame.captureNanos() - originNanos) / 1_000_000_000L);
    }

    /** Counts per second of the run, one thread's. */
    private static final class PerSecond {
        private long[] counts = new long[64];
        private int length;

        void add(int second) {
            if (second >= counts.length) {
                counts = Arrays.copyOf(counts, Math.max(second + 1, counts.length * 2));
            }
            counts[second]++;
            length = Math.max(length, second + 1);
        }

        long get(int second) {
            return second < length ? counts[second] : 0;
        }

        int length() {
            return length;
        }
    }

    private static List<Quantile> distribution(Histogram micros) {
        List<Quantile> quantiles = new ArrayList<>();
        if (micros.getTotalCount() > 0) {
            for (HistogramIterationValue v : micros.percentiles(QUANTILE_STEPS_PER_HALF)) {
                quantiles.add(new Quantile(v.getPercentileLevelIteratedTo() / 100,
                        micros.highestEquivalentValue(v.getValueIteratedTo()) / 1e3));
            }
        }
        return quantiles;
    }

    /** The frame this answer settles, or null for a duplicate or an answer to no frame of ours. */
    private InFlight firstAnswer(int user, long sequence) {
        if (sequence < 1 || sequence > Integer.MAX_VALUE) {
            return null;
        }
        InFlight frame = pending.remove(key(user, sequence));
        if (frame == null) {
            if (answered[user].get((int) sequence)) {
                duplicates.incrementAndGet();
            }
            return null;
        }
        answered[user].set((int) sequence);
        return frame;
    }

    private void settled() {
        if (outstanding.decrementAndGet() == 0 && sendingDone) {
            allSettled.complete(null);
        }
    }

    /**
     * The job's own verdict: emitted after capture plus deadline, with the capture stamp moved to
     * the job's clock by the job's offset estimate.
     */
    private static boolean emittedLate(Timing timing, long captureTimeUs, int sentDeadlineMs) {
        if (timing.getEmitUs() == 0) {
            return false;
        }
        long captureUs = timing.getCaptureUs() != 0 ? timing.getCaptureUs() : captureTimeUs;
        long deadlineMs = timing.getDeadlineMs() != 0 ? timing.getDeadlineMs() : sentDeadlineMs;
        return timing.getEmitUs() - (captureUs + timing.getClockOffsetUs()) > deadlineMs * 1_000;
    }

    private void recordPose(int user, long sequence, HeadPose truth, io.driftless.proto.HeadPose p) {
        HeadPose returned = new HeadPose(p.getYawDeg(), p.getPitchDeg(), p.getRollDeg(),
                p.getXM(), p.getYM(), p.getZM());
        double error = truth.rotationErrorDeg(returned);
        poseErrorMilliDeg.recordValue(Math.round(error * POSE_ERROR_SCALE));
        poseErrorSum += error;
        yawErrorSum += angleBetween(truth.yawDeg(), returned.yawDeg());
        pitchErrorSum += angleBetween(truth.pitchDeg(), returned.pitchDeg());
        rollErrorSum += angleBetween(truth.rollDeg(), returned.rollDeg());
        poseCount++;
        if (recordPoses) {
            poses.get(user).add(new PoseSample(sequence, truth, returned));
        }
    }

    private static boolean finite(io.driftless.proto.HeadPose p) {
        return Float.isFinite(p.getYawDeg()) && Float.isFinite(p.getPitchDeg())
                && Float.isFinite(p.getRollDeg());
    }

    /** |a - b| in degrees, the short way round. */
    static double angleBetween(double a, double b) {
        double d = Math.IEEEremainder(a - b, 360);
        return Math.abs(d);
    }

    private static long key(int user, long sequence) {
        return ((long) user << SEQUENCE_BITS) | sequence;
    }
}
