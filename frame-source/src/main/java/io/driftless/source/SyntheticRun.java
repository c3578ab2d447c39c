package io.driftless.source;

import io.driftless.inference.MicroClock;
import io.driftless.inference.pose.HeadPose;
import io.driftless.proto.Frame;
import io.driftless.source.accounting.SentLog;
import io.driftless.source.internal.Failures;
import io.driftless.source.internal.KafkaClients;
import io.driftless.source.internal.ResponseConsumer;
import io.driftless.source.internal.ResponseTracker;
import io.driftless.source.internal.ResponseTracker.InFlight;
import io.driftless.source.internal.Schedule;
import io.driftless.source.internal.SessionIds;
import io.driftless.source.internal.StatusReporter;
import io.driftless.source.internal.SyntheticUsers;
import io.driftless.source.video.SendMode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

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

    /** The live counters of a run; see {@link SyntheticRun#progress()}. */
    public record Progress(long sent, long responses, long dropped, long inFlight) {}

    private static final Duration PRODUCER_CLOSE_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration THREAD_JOIN_TIMEOUT = Duration.ofSeconds(5);

    private final SyntheticConfig config;
    private final SessionIds sessions;
    private final ResponseTracker tracker;
    /** Null when the users send landmarks. */
    private final SyntheticJpegFrames jpegs;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    // One callback for every record: the hot path allocates no lambda per frame.
    private final Callback onSent = (metadata, e) -> {
        if (e != null) {
            sendFailure.compareAndSet(null, e);
        }
    };
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile boolean stopRequested;
    private volatile Thread sender;
    private volatile ResponseConsumer consumer;

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
        boolean jpeg = config.sendMode() == SendMode.JPEG;
        this.tracker = new ResponseTracker(sessions, config.recordPoses(), jpeg);
        this.jpegs = jpeg ? SyntheticJpegFrames.encode(config) : null;
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
        KafkaLink link = config.kafkaLink();
        ResponseConsumer answers = new ResponseConsumer(link, sessions, tracker,
                KafkaClients.consumer(link, clientId("answers"), link.perSessionTopics()
                        ? "driftless-source-" + sessions.runId() : null));
        consumer = answers;
        Thread consumerThread = new Thread(answers, "driftless-source-answers");
        consumerThread.setDaemon(true);
        consumerThread.start();
        KafkaProducer<byte[], byte[]> producer = null;
        StatusReporter status = null;
        SentLog sentLog = null;
        long startNanos = System.nanoTime();
        long sendingNanos = 0;
        try {
            if (awaitReady(answers)) {
                producer = producer();
                startNanos = System.nanoTime();
                status = StatusReporter.start(config.report(), tracker, startNanos);
                sentLog = config.sentLog().map(SentLog::create).orElse(null);
                send(producer, answers, startNanos, sentLog);
                sendingNanos = System.nanoTime() - startNanos;
            }
            // No flush: frames still buffered go out during the drain, and a frame that never
            // reaches the broker ends unanswered rather than holding up a stop.
            tracker.sendingDone();
            drain(answers, startNanos + sendingNanos);
            throwIfFailed(answers);
        } finally {
            answers.stop();
            // The summary reads the consumer thread's books: it must have stopped first.
            joinUninterruptibly(consumerThread);
            if (producer != null) {
                producer.close(PRODUCER_CLOSE_TIMEOUT);
            }
            if (status != null) {
                status.close();
            }
            if (sentLog != null) {
                sentLog.close();
            }
        }
        return tracker.summarize(config.fps(), sendingNanos / 1e9);
    }

    /**
     * Stops sending; {@link #run()} then drains and returns its summary. Safe from any thread and
     * more than once.
     */
    public void stop() {
        stopRequested = true;
        stopped.complete(null);
        Thread t = sender;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** The counters so far, from any thread. */
    public Progress progress() {
        ResponseTracker.Progress p = tracker.progress();
        return new Progress(p.sent(), p.responses(), p.dropped(), p.inFlight());
    }

    /** Stops a run still in progress; its clients close as {@link #run()} returns. */
    @Override
    public void close() {
        stop();
        ResponseConsumer c = consumer;
        if (c != null) {
            c.stop();
        }
    }

    private boolean awaitReady(ResponseConsumer answers) {
        return answers.awaitReady(
                config.kafkaLink().connectTimeout().multipliedBy(2).plus(Duration.ofSeconds(1)),
                stopped);
    }

    private KafkaProducer<byte[], byte[]> producer() {
        return KafkaClients.openProducer(config.kafkaLink(), clientId("frames"));
    }

    /** The pacing loop: one thread, each frame sent when due, parking in between. */
    private void send(KafkaProducer<byte[], byte[]> producer, ResponseConsumer answers,
            long startNanos, SentLog sentLog) {
        SyntheticUsers users = new SyntheticUsers(config, sessions);
        Schedule schedule = new Schedule(config.users(), config.fps());
        long slots = schedule.slotsWithin(config.duration().orElse(null));
        long epochMicros = MicroClock.system().nowMicros() - (System.nanoTime() - startNanos) / 1_000;
        String topic = config.kafkaLink().framesTopic();
        for (long slot = 0; slot < slots; slot++) {
            long offset = schedule.offsetNanos(slot);
            long due = startNanos + offset;
            for (long wait = due - System.nanoTime(); wait > 0 && !stopRequested;
                    wait = due - System.nanoTime()) {
                LockSupport.parkNanos(this, wait);
            }
            if (stopRequested || Thread.currentThread().isInterrupted()) {
                return;
            }
            throwIfFailed(answers);
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
                    new InFlight(sendNanos, due, config.deadlineMs(), truth));
            producer.send(new ProducerRecord<>(topic, sessions.key(user), frame.toByteArray()),
                    onSent);
            if (sentLog != null) {
                sentLog.record(frame.getSessionId(), sequence);
            }
        }
    }

    private void throwIfFailed(ResponseConsumer answers) {
        if (answers.failure() != null) {
            throw answers.failure();
        }
        Exception e = sendFailure.get();
        if (e != null) {
            throw new FrameSourceException("sending frames to '" + config.kafkaLink().framesTopic()
                    + "' on " + config.kafkaLink().bootstrapServers() + " failed: "
                    + Failures.describe(e), e);
        }
    }

    /** Waits for every answer, the drain timeout after the last send at most. */
    private void drain(ResponseConsumer answers, long lastSendNanos) {
        answers.drain(tracker.allSettled(),
                lastSendNanos + config.report().drainTimeout().toNanos());
    }

    private String clientId(String role) {
        return "driftless-source-" + sessions.runId() + "-" + role;
    }

    private static void joinUninterruptibly(Thread thread) {
        long deadline = System.nanoTime() + THREAD_JOIN_TIMEOUT.toNanos();
        boolean interrupted = false;
        while (thread.isAlive() && deadline - System.nanoTime() > 0) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
