package io.driftless.source.video;

import io.driftless.source.SendMode;
import io.driftless.inference.MicroClock;
import io.driftless.proto.Frame;
import io.driftless.source.FrameSourceException;
import io.driftless.source.RunSummary;
import io.driftless.source.internal.AnswerListener;
import io.driftless.source.internal.ResponseTracker;
import io.driftless.source.internal.ResponseTracker.InFlight;
import io.driftless.source.internal.RunConnection;
import io.driftless.source.internal.SessionIds;
import io.driftless.source.internal.StatusReporter;
import io.driftless.source.video.PacedGrabber.Grabbed;
import io.driftless.source.video.PayloadEncoder.Payload;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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

    private final VideoConfig config;
    private final SessionIds sessions;
    private final ResponseTracker tracker;
    private final PacedGrabber grabber;
    private final RunConnection kafka;
    private final AtomicBoolean started = new AtomicBoolean();
    private long grabbed;
    private long noFace;

    public VideoRun(VideoConfig config) {
        this.config = config;
        this.sessions = SessionIds.single(config.sessionId().orElseGet(SessionIds::newRunId));
        this.tracker = new ResponseTracker(sessions, false, config.frames().sendMode() == SendMode.JPEG);
        this.grabber = new PacedGrabber(config.source(), config.fps(), config.reconnectBackoff(),
                config.ioTimeout(), config.ffmpegOptions());
        this.kafka = new RunConnection(config.link(), sessions, tracker);
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
        StatusReporter status = null;
        long startNanos = System.nanoTime();
        long sendingNanos = 0;
        try {
            encoder = new PayloadEncoder(config.frames().sendMode(), config.jpegWidth(),
                    config.frames().jpegQuality(), config.horizontalFovDeg());
            if (config.render().isPresent()) {
                renderer = new OverlayRenderer(config.render().get(), sessionId(),
                        config.frames().sendMode() == SendMode.JPEG, grabber.width(), grabber.height(),
                        grabber.fps());
            }
            kafka.start(renderer != null ? renderer : AnswerListener.NONE);
            if (kafka.awaitReady()) {
                startNanos = System.nanoTime();
                status = StatusReporter.start(config.report(), tracker, startNanos);
                send(encoder, renderer, startNanos);
                sendingNanos = System.nanoTime() - startNanos;
            }
            kafka.drain(startNanos + sendingNanos + config.report().drainTimeout().toNanos());
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
            kafka.close();
            if (status != null) {
                status.close();
            }
            if (renderFailure != null) {
                throw renderFailure;
            }
        }
        // A real camera's true pose is unknown: no drift to measure.
        RunSummary books = tracker.summarize((int) Math.round(grabber.fps()), sendingNanos / 1e9,
                RunSummary.Drift.UNDEFINED);
        return new VideoSummary(books, sessionId(), config.frames().sendMode(), grabbed, noFace,
                grabber.reconnects(), grabber.loops(), renderer == null ? 0 : renderer.written(),
                renderer == null ? 0 : renderer.withOverlay(),
                renderer == null ? 0 : renderer.skipped());
    }

    /** Stops sending; {@link #run()} then drains and returns its summary. Safe from any thread. */
    public void stop() {
        kafka.stop();
        grabber.stop();
    }

    /** Stops a run still in progress; its clients close as {@link #run()} returns. */
    @Override
    public void close() {
        stop();
        kafka.stopReading();
    }

    private void send(PayloadEncoder encoder, OverlayRenderer renderer, long startNanos) {
        long endNanos = config.duration().map(d -> startNanos + d.toNanos()).orElse(Long.MAX_VALUE);
        long epochMicros = MicroClock.system().nowMicros() - (System.nanoTime() - startNanos) / 1_000;
        int deadlineMs = config.frames().deadlineMs();
        long deadlineNanos = TimeUnit.MILLISECONDS.toNanos(deadlineMs);
        byte[] key = sessions.key(0);
        long sequence = 0;
        while (!kafka.stopped() && System.nanoTime() - endNanos < 0) {
            Grabbed frame = grabber.next();
            if (frame == null || kafka.stopped()) {
                return;
            }
            kafka.throwIfFailed();
            grabbed++;
            Payload payload = encoder.encode(frame.image());
            if (payload == null) {
                noFace++;
                if (renderer != null) {
                    // No face, no answer to wait for: drawn from the answers at hand.
                    renderer.submit(OverlayRenderer.UNSENT, frame.image(), frame.grabNanos(),
                            frame.grabNanos(), frame.image().width(), frame.image().height());
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
                    .setDeadlineMs(deadlineMs);
            if (payload.landmarks() != null) {
                message.setLandmarks(payload.landmarks());
            } else {
                message.setImage(payload.image());
                if (!config.frames().imageModel().isEmpty()) {
                    message.getImageBuilder().setModel(config.frames().imageModel());
                }
            }
            tracker.expect(0, sequence,
                    new InFlight(sendNanos, frame.grabNanos(), deadlineMs, null));
            kafka.send(key, message.build().toByteArray());
            if (renderer != null) {
                // A JPEG goes out resized, and its answer comes back in the resized pixels.
                int sentWidth = payload.image() != null ? payload.image().getWidth()
                        : frame.image().width();
                int sentHeight = payload.image() != null ? payload.image().getHeight()
                        : frame.image().height();
                renderer.submit(sequence, frame.image(), frame.grabNanos(),
                        frame.grabNanos() + deadlineNanos, sentWidth, sentHeight);
            }
        }
    }
}
