package io.driftless.source;

import io.driftless.inference.MicroClock;
import io.driftless.inference.pose.HeadPose;
import io.driftless.proto.Frame;
import io.driftless.source.accounting.SentLog;
import io.driftless.source.internal.AnswerListener;
import io.driftless.source.internal.DriftMeter;
import io.driftless.source.internal.ResponseTracker;
import io.driftless.source.internal.ResponseTracker.InFlight;
import io.driftless.source.internal.RunConnection;
import io.driftless.source.internal.Schedule;
import io.driftless.source.internal.SessionIds;
import io.driftless.source.internal.StatusReporter;
import io.driftless.source.internal.SyntheticUsers;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Simulates many camera users against a running job: sends each user's landmark or JPEG frames
 * to the frames topic at its frame rate, reads the job's answers, and accounts for every frame.
 * JPEG frames are encoded when the run is made, so that sending only stamps them.
 *
 * <pre>{@code
 * try (SyntheticRun run = new SyntheticRun(config)) {
 *     RunSummary summary = run.run();          // blocks for the duration, then drains
 *     assertThat(summary.unanswered()).isZero();
 * }
 * }</pre>
 *
 * <p>Threads: the caller of {@link #run()} is the one sender thread for all users; a consumer
 * thread reads answers; a status thread prints when the config has a status stream.
 * {@link #stop()} may come from any thread, a shutdown hook included.
 */
public final class SyntheticRun implements AutoCloseable {

    /**
     * The live counters of a run; see {@link SyntheticRun#progress()}.
     *
     * @param onTime answers that came back within their frame's deadline
     */
    public record Progress(long sent, long responses, long dropped, long inFlight, long onTime) {

        /** Frames answered or dropped so far. */
        public long settled() {
            return responses + dropped;
        }
    }

    private final SyntheticConfig config;
    private final SessionIds sessions;
    private final ResponseTracker tracker;
    /** Null when the users send landmarks. */
    private final SyntheticJpegFrames jpegs;
    private final RunConnection kafka;
    /** Null when the users send JPEG frames, whose true pose is not known. */
    private final DriftMeter drift;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile Thread sender;

    /**
     * Prepares a run; with JPEG frames this encodes every user's frames, which takes a few
     * milliseconds per user.
     *
     * @throws FrameSourceException when the photo for JPEG frames cannot be read
     */
    public SyntheticRun(SyntheticConfig config) {
        this.config = config;
        this.sessions = new SessionIds(config.runId().orElseGet(SessionIds::newRunId),
                config.users());
        boolean jpeg = config.frames().sendMode() == SendMode.JPEG;
        this.tracker = new ResponseTracker(sessions, config.recordPoses(), jpeg);
        this.jpegs = jpeg ? SyntheticJpegFrames.encode(config) : null;
        this.drift = jpeg ? null
                : new DriftMeter(sessions, config.camera(), config.displayDelay());
        this.kafka = new RunConnection(config.kafkaLink(), sessions, tracker);
    }

    /** The prefix of every session id of this run. */
    public String runId() {
        return sessions.runId();
    }

    /** The session id of user {@code user} (0-based): {@code <runId>-u<NNNN>}. */
    public String sessionId(int user) {
        return sessions.sessionId(user);
    }

    /**
     * Runs: positions the answer consumer, sends every user's frames for the configured duration
     * (or until {@link #stop()}), waits up to the drain timeout for outstanding answers, and
     * returns the books. Call once.
     *
     * @throws FrameSourceException when Kafka cannot be reached, a topic is missing, or sending or
     *     reading fails
     */
    public RunSummary run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("run() may be called once per SyntheticRun");
        }
        sender = Thread.currentThread();
        StatusReporter status = null;
        SentLog sentLog = null;
        long startNanos = System.nanoTime();
        long sendingNanos = 0;
        try (kafka) {
            kafka.start(drift != null ? drift : AnswerListener.NONE);
            if (kafka.awaitReady()) {
                startNanos = System.nanoTime();
                status = StatusReporter.start(config.report(), tracker, startNanos);
                sentLog = config.sentLog().map(SentLog::create).orElse(null);
                send(startNanos, sentLog);
                sendingNanos = System.nanoTime() - startNanos;
            }
            kafka.drain(startNanos + sendingNanos + config.report().drainTimeout().toNanos());
        } finally {
            if (status != null) {
                status.close();
            }
            if (sentLog != null) {
                sentLog.close();
            }
        }
        return tracker.summarize(config.fps(), sendingNanos / 1e9,
                drift != null ? drift.measure() : RunSummary.Drift.UNDEFINED);
    }

    /**
     * Stops sending; {@link #run()} then drains and returns its summary. Safe from any thread and
     * more than once.
     */
    public void stop() {
        kafka.stop();
        Thread t = sender;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** The counters so far, from any thread. */
    public Progress progress() {
        ResponseTracker.Progress p = tracker.progress();
        return new Progress(p.sent(), p.responses(), p.dropped(), p.inFlight(), p.onTime());
    }

    /** Stops a run still in progress; its clients close as {@link #run()} returns. */
    @Override
    public void close() {
        stop();
        kafka.stopReading();
    }

    /** The pacing loop: one thread, each frame sent when due, parking in between. */
    private void send(long startNanos, SentLog sentLog) {
        SyntheticUsers users = new SyntheticUsers(config, sessions);
        Schedule schedule = new Schedule(config.users(), config.fps());
        long slots = schedule.slotsWithin(config.duration().orElse(null));
        long epochMicros = MicroClock.system().nowMicros() - (System.nanoTime() - startNanos) / 1_000;
        for (long slot = 0; slot < slots; slot++) {
            long offset = schedule.offsetNanos(slot);
            long due = startNanos + offset;
            for (long wait = due - System.nanoTime(); wait > 0 && !kafka.stopped();
                    wait = due - System.nanoTime()) {
                LockSupport.parkNanos(this, wait);
            }
            if (kafka.stopped() || Thread.currentThread().isInterrupted()) {
                return;
            }
            kafka.throwIfFailed();
            int user = schedule.user(slot);
            long sequence = schedule.sequence(slot);
            HeadPose truth = jpegs == null ? users.truth(user, offset / 1e9) : null;
            long sendNanos = System.nanoTime();
            long captureMicros = epochMicros + offset / 1_000;
            long sendMicros = epochMicros + (sendNanos - startNanos) / 1_000;
            Frame frame = jpegs == null
                    ? users.frame(user, sequence, truth, captureMicros, sendMicros)
                    : users.frame(user, sequence, jpegs.image(user, sequence), captureMicros,
                            sendMicros);
            tracker.expect(user, sequence,
                    new InFlight(sendNanos, due, config.frames().deadlineMs(), truth));
            if (drift != null) {
                drift.shown(user, sequence, due, truth);
            }
            kafka.send(sessions.key(user), frame.toByteArray());
            if (sentLog != null) {
                sentLog.record(frame.getSessionId(), sequence);
            }
        }
    }
}
