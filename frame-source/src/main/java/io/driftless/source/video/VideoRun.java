package io.driftless.source.video;

import io.driftless.inference.MicroClock;
import io.driftless.proto.Frame;
import io.driftless.source.FrameSourceException;
import io.driftless.source.KafkaLink;
import io.driftless.source.RunSummary;
import io.driftless.source.internal.AnswerListener;
import io.driftless.source.internal.Failures;
import io.driftless.source.internal.KafkaClients;
import io.driftless.source.internal.ResponseConsumer;
import io.driftless.source.internal.ResponseTracker;
import io.driftless.source.internal.ResponseTracker.InFlight;
import io.driftless.source.internal.SessionIds;
import io.driftless.source.internal.StatusReporter;
import io.driftless.source.video.PacedGrabber.Grabbed;
import io.driftless.source.video.PayloadEncoder.Payload;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One camera against a running job: grabs frames from a video file, webcam or stream in real
 * time, sends each as landmarks (found on the client) or as a JPEG, reads the job's answers,
 * accounts for every frame, and optionally renders the returned overlay into a video.
 *
 * <pre>{@code
 * try (VideoRun run = new VideoRun(config)) {
 *     VideoSummary summary = run.run();    // until the duration, the file's end, or stop()
 *     System.out.print(summary.toTable());
 * }
 * }</pre>
 *
 * <p>Threads: the caller of {@link #run()} grabs, detects or encodes, and sends; a consumer
 * thread reads answers; a writer thread renders; a status thread prints. {@link #stop()} may come
 * from any thread, a shutdown hook included.
 */
public final class VideoRun implements AutoCloseable {

    private static final Duration PRODUCER_CLOSE_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration THREAD_JOIN_TIMEOUT = Duration.ofSeconds(5);
    /** Frames that carry no sequence (no face) are rendered with nothing to wait for. */
    private static final long UNSENT = 0;

    private final VideoConfig config;
    private final KafkaLink link;
    private final SessionIds sessions;
    private final ResponseTracker tracker;
    private final PacedGrabber grabber;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private final Callback onSent = (metadata, e) -> {
        if (e != null) {
            sendFailure.compareAndSet(null, e);
        }
    };
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile boolean stopRequested;
    private volatile ResponseConsumer consumer;
    private long grabbed;
    private long noFace;

    public VideoRun(VideoConfig config) {
        this.config = config;
        this.link = config.link();
        this.sessions = SessionIds.single(config.sessionId().orElseGet(SessionIds::newRunId));
        this.tracker = new ResponseTracker(sessions, false, config.sendMode() == SendMode.JPEG);
        this.grabber = new PacedGrabber(config.source(), config.fps(), config.reconnectBackoff(),
                config.ioTimeout(), config.ffmpegOptions());
    }

    /** The session id every frame of this run carries. */
    public String sessionId() {
        return sessions.sessionId(0);
    }

    /**
     * Runs: opens the source (failing at once when it cannot be read), positions the answer
     * consumer, sends until the duration, the end of a file that does not loop, or
     * {@link #stop()}, waits up to the drain timeout for outstanding answers, finishes the
     * rendered video, and returns the books. Call once.
     *
     * @throws FrameSourceException when the source cannot be opened or read, Kafka cannot be
     *     reached, a topic is missing, or sending, reading or rendering fails
     */
    public VideoSummary run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("run() may be called once per VideoRun");
        }
        grabber.open();
        PayloadEncoder encoder = null;
        OverlayRenderer renderer = null;
        ResponseConsumer answers = null;
        Thread consumerThread = null;
        KafkaProducer<byte[], byte[]> producer = null;
        StatusReporter status = null;
        long startNanos = System.nanoTime();
        long sendingNanos = 0;
        try {
            encoder = new PayloadEncoder(config.sendMode(), config.jpegWidth(),
                    config.jpegQuality(), config.horizontalFovDeg());
            if (config.render().isPresent()) {
                renderer = new OverlayRenderer(config.render().get(), sessionId(),
                        config.sendMode() == SendMode.JPEG, grabber.width(), grabber.height(),
                        grabber.fps());
            }
            answers = new ResponseConsumer(link, sessions, tracker,
                    KafkaClients.consumer(link, clientId("answers"), link.perSessionTopics()
                            ? "driftless-source-" + sessionId() : null),
                    renderer != null ? renderer : AnswerListener.NONE);
            consumer = answers;
            consumerThread = new Thread(answers, "driftless-source-answers");
            consumerThread.setDaemon(true);
            consumerThread.start();
            if (answers.awaitReady(link.connectTimeout().multipliedBy(2)
                    .plus(Duration.ofSeconds(1)), stopped)) {
                producer = KafkaClients.openProducer(link, clientId("frames"));
                startNanos = System.nanoTime();
                status = StatusReporter.start(config.report(), tracker, startNanos);
                send(producer, answers, encoder, renderer, startNanos);
                sendingNanos = System.nanoTime() - startNanos;
            }
            tracker.sendingDone();
            answers.drain(tracker.allSettled(),
                    startNanos + sendingNanos + config.report().drainTimeout().toNanos());
            throwIfFailed(answers);
        } finally {
            grabber.close();
            if (encoder != null) {
                encoder.close();
            }
            // The writer waits for answers up to each frame's deadline: before the consumer stops.
            RuntimeException renderFailure = null;
            if (renderer != null) {
                try {
                    renderer.close();
                } catch (RuntimeException e) {
                    renderFailure = e;
                }
            }
            if (answers != null) {
                answers.stop();
                joinUninterruptibly(consumerThread);
            }
            if (producer != null) {
                producer.close(PRODUCER_CLOSE_TIMEOUT);
            }
            if (status != null) {
                status.close();
            }
            if (renderFailure != null) {
                throw renderFailure;
            }
        }
        RunSummary books = tracker.summarize((int) Math.round(grabber.fps()), sendingNanos / 1e9);
        return new VideoSummary(books, sessionId(), config.sendMode(), grabbed, noFace,
                grabber.reconnects(), grabber.loops(), renderer == null ? 0 : renderer.written(),
                renderer == null ? 0 : renderer.withOverlay(),
                renderer == null ? 0 : renderer.skipped());
    }

    /** Stops sending; {@link #run()} then drains and returns its summary. Safe from any thread. */
    public void stop() {
        stopRequested = true;
        stopped.complete(null);
        grabber.stop();
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

    private void send(KafkaProducer<byte[], byte[]> producer, ResponseConsumer answers,
            PayloadEncoder encoder, OverlayRenderer renderer, long startNanos) {
        long endNanos = config.duration().map(d -> startNanos + d.toNanos()).orElse(Long.MAX_VALUE);
        long epochMicros = MicroClock.system().nowMicros() - (System.nanoTime() - startNanos) / 1_000;
        long deadlineNanos = TimeUnit.MILLISECONDS.toNanos(config.deadlineMs());
        byte[] key = sessions.key(0);
        long sequence = 0;
        while (!stopRequested && System.nanoTime() - endNanos < 0) {
            Grabbed frame = grabber.next();
            if (frame == null || stopRequested) {
                return;
            }
            throwIfFailed(answers);
            grabbed++;
            Payload payload = encoder.encode(frame.image());
            if (payload == null) {
                noFace++;
                if (renderer != null) {
                    renderer.submit(UNSENT, frame.image(), frame.grabNanos());
                }
                continue;
            }
            sequence++;
            long sendNanos = System.nanoTime();
            Frame.Builder message = Frame.newBuilder()
                    .setSessionId(sessionId())
                    .setSequence(sequence)
                    .setCaptureTimeUs(epochMicros + (frame.grabNanos() - startNanos) / 1_000)
                    .setSendTimeUs(epochMicros + (sendNanos - startNanos) / 1_000)
                    .setDeadlineMs(config.deadlineMs());
            if (payload.landmarks() != null) {
                message.setLandmarks(payload.landmarks());
            } else {
                message.setImage(payload.image());
            }
            tracker.expect(0, sequence,
                    new InFlight(sendNanos, frame.grabNanos(), config.deadlineMs(), null));
            producer.send(new ProducerRecord<>(link.framesTopic(), key,
                    message.build().toByteArray()), onSent);
            if (renderer != null) {
                renderer.submit(sequence, frame.image(), frame.grabNanos() + deadlineNanos);
            }
        }
    }

    private void throwIfFailed(ResponseConsumer answers) {
        if (answers.failure() != null) {
            throw answers.failure();
        }
        Exception e = sendFailure.get();
        if (e != null) {
            throw new FrameSourceException("sending frames to '" + link.framesTopic() + "' on "
                    + link.bootstrapServers() + " failed: " + Failures.describe(e), e);
        }
    }

    private String clientId(String role) {
        return "driftless-source-" + sessionId() + "-" + role;
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
