package io.driftless.inference.remote;

import io.driftless.inference.LatencyTracker;
import io.driftless.inference.MicroClock;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.FrameInference;
import io.driftless.inference.service.InferenceGauges;
import io.driftless.inference.service.InferenceOutcome;
import io.driftless.inference.service.Payload;
import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import io.driftless.proto.DropReason;
import io.driftless.proto.InferRequest;
import io.driftless.proto.InferResponse;
import io.driftless.proto.InferenceServiceGrpc;
import io.github.resilience4j.core.IntervalFunction;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The job's model on a remote inference server, over a few long-lived bidirectional
 * {@code InferStream} calls: each frame is one message on one of them, carrying its remaining
 * budget, and its answer comes back on the same stream, matched by request id.
 *
 * <p>A stream is one HTTP/2 stream for any number of frames, so a frame costs one message
 * each way instead of a call's headers, trailers and stream set-up. The per-call semantics
 * stay per frame: each frame has its own deadline timer and becomes DEADLINE_EXCEEDED when no
 * answer came by its deadline; a refusal for a full queue is OVERLOADED; when a stream breaks
 * (the server went away), every frame waiting on it becomes INFERENCE_FAILED at once and
 * counts as one failed call with the {@link CircuitBreaker}, and the stream is opened again
 * after a backoff. After a few unreachable answers in a row the breaker stops sending, so an
 * outage costs no network round trip per frame, and a probe frame now and then finds the
 * server again.
 *
 * <p>Frames in flight are bounded by an adaptive limit ({@link InFlightLimitOptions}) learned
 * from the round trips: a frame beyond it is refused as OVERLOADED at once and never reaches
 * the network. Answers are the limit's successes; frames whose deadline passed, and the
 * server's refusals, its drops; a broken stream, a probe or a frame never sent tell it nothing.
 *
 * <p>Streams are spread by the channel's round-robin policy: each new stream goes to the next
 * server. A stream is replaced after {@code streamMaxAgeMicros}, so servers added (or back
 * after a restart) get their share. Flow control is respected: a frame goes to a stream whose
 * transport buffer has room, and when none has, it is refused as OVERLOADED rather than
 * buffered. Owns its channel and shuts it down on {@link #close}.
 */
public final class RemoteInference implements FrameInference {

    /** How long the round-trip estimate stands without a new answer. */
    static final long STALE_AFTER_MICROS = 1_000_000;
    /** First wait before a broken stream is opened again; doubles while new streams break unanswered. */
    static final long MIN_REOPEN_MICROS = 10_000;
    static final long MAX_REOPEN_MICROS = 1_000_000;
    private static final IntervalFunction REOPEN_WAITS = IntervalFunction.ofExponentialBackoff(
            Duration.ofNanos(MIN_REOPEN_MICROS * 1000), 2.0, Duration.ofNanos(MAX_REOPEN_MICROS * 1000));
    /** Longest {@link #close} waits for the answers to frames already sent. */
    static final long CLOSE_WAIT_MICROS = 5_000_000;

    private final ManagedChannel channel;
    private final InferenceServiceGrpc.InferenceServiceStub stub;
    private final String model;
    private final CircuitBreaker breaker;
    private final InFlightLimitOptions inFlightLimit;
    private volatile SimpleLimiter<Void> limiter;
    private final long initialLatencyMicros;
    private final long streamMaxAgeMicros;
    private final MicroClock clock;
    private final Slot[] slots;
    private final AtomicInteger nextSlot = new AtomicInteger();
    private final ScheduledThreadPoolExecutor deadlines;
    private volatile LatencyTracker roundTrips;
    private volatile long lastAnswerMicros;
    private volatile boolean closed;
    private final AtomicLong requestIds = new AtomicLong();
    private final FrameStream.Events events = new FrameStream.Events() {
        @Override
        public void answered(PendingFrame frame, InferResponse response) {
            RemoteInference.this.answered(frame, response);
        }

        @Override
        public void lost(PendingFrame frame, Status status) {
            RemoteInference.this.lost(frame, status);
        }
    };

    RemoteInference(ManagedChannel channel, String model, int streams, long streamMaxAgeMicros,
            CircuitBreaker breaker, InFlightLimitOptions inFlightLimit, long initialLatencyMicros, MicroClock clock) {
        if (streams < 1) {
            throw new IllegalArgumentException("streams must be at least 1, got " + streams);
        }
        if (streamMaxAgeMicros <= 0) {
            throw new IllegalArgumentException("streamMaxAgeMicros must be positive, got " + streamMaxAgeMicros);
        }
        this.channel = channel;
        this.stub = InferenceServiceGrpc.newStub(channel);
        this.model = model;
        this.breaker = breaker;
        this.inFlightLimit = inFlightLimit;
        this.limiter = inFlightLimit.newLimiter(clock);
        this.initialLatencyMicros = initialLatencyMicros;
        this.streamMaxAgeMicros = streamMaxAgeMicros;
        this.clock = clock;
        this.slots = new Slot[streams];
        for (int i = 0; i < streams; i++) {
            slots[i] = new Slot();
        }
        this.deadlines = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "remote-inference-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        // an answered frame's timer leaves the queue at once rather than at its deadline
        deadlines.setRemoveOnCancelPolicy(true);
        this.roundTrips = newTracker();
        this.lastAnswerMicros = clock.nowMicros();
    }

    @Override
    public String modelName() {
        return model;
    }

    /** The model this client asks the server for, for an image frame. */
    @Override
    public String imageModelFor(FrameEnvelope frame) {
        return frame.payload() == Payload.IMAGE ? model : null;
    }

    /** How many streams it keeps open. */
    int streams() {
        return slots.length;
    }

    @Override
    public CompletableFuture<InferenceOutcome> infer(FrameEnvelope frame) {
        if (frame.keypoints == null && frame.jpeg == null) {
            return CompletableFuture.completedFuture(InferenceOutcome.dropped(
                    frame, DropReason.INVALID, "frame has no payload"));
        }
        long sent = clock.nowMicros();
        long remaining = frame.deadlineUs - sent;
        if (remaining <= 0) {
            return CompletableFuture.completedFuture(InferenceOutcome.dropped(frame, DropReason.LATE_ON_ARRIVAL,
                    "deadline passed " + (-remaining) + " us before the call to the inference server"));
        }
        if (closed) {
            return CompletableFuture.completedFuture(InferenceOutcome.dropped(frame, DropReason.INFERENCE_FAILED,
                    "the remote inference client is closed"));
        }
        SimpleLimiter<Void> limiter = this.limiter;
        Optional<Limiter.Listener> place = limiter.acquire(null);
        if (place.isEmpty()) {
            return CompletableFuture.completedFuture(InferenceOutcome.dropped(frame, DropReason.OVERLOADED,
                    limitReached(limiter)));
        }
        CircuitBreaker.Permit permit = breaker.acquire();
        if (permit == CircuitBreaker.Permit.REFUSED) {
            place.get().onIgnore();
            return CompletableFuture.completedFuture(
                    InferenceOutcome.dropped(frame, DropReason.INFERENCE_FAILED, breaker.refusal()));
        }
        PendingFrame pending = new PendingFrame(requestIds.incrementAndGet(), frame, model, sent, remaining, permit,
                place.get());
        InferRequest request = InferRequests.of(frame, model, pending.requestId, remaining);
        if (permit == CircuitBreaker.Permit.PROBE) {
            // reconnect now rather than at the end of gRPC's reconnect backoff, and let the
            // probe wait for the connection within its budget
            channel.resetConnectBackoff();
            slots[Math.floorMod(nextSlot.getAndIncrement(), slots.length)].send(pending, request, true);
        } else {
            send(pending, request);
        }
        return pending.outcome;
    }

    private static String limitReached(SimpleLimiter<Void> limiter) {
        return "inference client refused the frame: " + limiter.getInflight() + " frames in flight to the"
                + " inference server, at its in-flight limit of " + limiter.getLimit() + " (learned from round"
                + " trips: more would wait past their deadlines in the server's queue)";
    }

    /** Onto the next stream with room, trying each once. */
    private void send(PendingFrame pending, InferRequest request) {
        int first = nextSlot.getAndIncrement();
        boolean full = false;
        for (int i = 0; i < slots.length; i++) {
            FrameStream.Send result = slots[Math.floorMod(first + i, slots.length)].send(pending, request, false);
            if (result == FrameStream.Send.SENT) {
                return;
            }
            full |= result == FrameStream.Send.FULL;
        }
        if (full) {
            pending.drop(DropReason.OVERLOADED, "inference server refused the frame: every one of the "
                    + slots.length + " streams to it is full (it reads frames slower than they come)",
                    PendingFrame.Sample.IGNORE);
        } else {
            breaker.failed(pending.permit);
            pending.drop(DropReason.INFERENCE_FAILED, "inference server unavailable: " + slots[
                    Math.floorMod(first, slots.length)].whyClosed(), PendingFrame.Sample.IGNORE);
        }
    }

    private void armDeadline(PendingFrame pending, FrameStream stream) {
        long delay = pending.frame.deadlineUs - clock.nowMicros();
        pending.deadlineTimer(deadlines.schedule(() -> {
            if (stream.remove(pending.requestId) != null) {
                expired(pending);
            }
        }, Math.max(0, delay), TimeUnit.MICROSECONDS));
    }

    private void expired(PendingFrame pending) {
        // a slow answer is the server's load, not its absence; only a probe must get through
        if (pending.permit == CircuitBreaker.Permit.PROBE) {
            breaker.failed(pending.permit);
        }
        pending.drop(DropReason.DEADLINE_EXCEEDED,
                "no answer from the inference server within the remaining budget of " + pending.budgetMicros + " us",
                sample(pending, PendingFrame.Sample.DROPPED));
    }

    private void answered(PendingFrame pending, InferResponse response) {
        long received = clock.nowMicros();
        breaker.succeeded(pending.permit);
        InferenceOutcome outcome = pending.outcomeOf(response, received);
        PendingFrame.Sample sample;
        if (outcome.succeeded()) {
            recordRoundTrip(received - pending.sentMicros, received);
            sample = PendingFrame.Sample.SUCCESS;
        } else {
            sample = switch (outcome.dropReason) {
                // refused, or let go at its deadline, at the server: it has more than it can do
                case OVERLOADED, LATE_ON_ARRIVAL, DEADLINE_EXCEEDED -> PendingFrame.Sample.DROPPED;
                default -> PendingFrame.Sample.IGNORE;
            };
        }
        pending.complete(outcome, sample(pending, sample));
    }

    /** A probe's round trip includes connecting to a server that was down: no measure of its load. */
    private static PendingFrame.Sample sample(PendingFrame pending, PendingFrame.Sample sample) {
        return pending.permit == CircuitBreaker.Permit.PROBE ? PendingFrame.Sample.IGNORE : sample;
    }

    private void lost(PendingFrame pending, Status status) {
        switch (status.getCode()) {
            case UNAVAILABLE, CANCELLED, DEADLINE_EXCEEDED -> {
                breaker.failed(pending.permit);
                pending.drop(DropReason.INFERENCE_FAILED, "inference server unavailable: " + describe(status),
                        PendingFrame.Sample.IGNORE);
            }
            case RESOURCE_EXHAUSTED -> {
                breaker.succeeded(pending.permit);
                pending.drop(DropReason.OVERLOADED, "inference server refused the frame: " + status.getDescription(),
                        sample(pending, PendingFrame.Sample.DROPPED));
            }
            default -> {
                breaker.succeeded(pending.permit);
                pending.drop(DropReason.INFERENCE_FAILED, "inference server answered " + describe(status),
                        PendingFrame.Sample.IGNORE);
            }
        }
    }

    private LatencyTracker newTracker() {
        return new LatencyTracker(64, 0.95, initialLatencyMicros, STALE_AFTER_MICROS, STALE_AFTER_MICROS, clock);
    }

    /**
     * Sends up to {@code calls} frames of a typical face, {@code concurrency} at a time, within
     * {@code limit}, and then forgets the round trips they took. A cold JVM runs the call path
     * (protobuf, HTTP/2) interpreted: its first round trips are slow enough that the admission
     * gate would shed nearly every frame, and with so few calls made the path would warm up
     * only slowly. Answers do not matter: an unreachable server just ends the warm-up early.
     * The in-flight limit starts afresh too: a cold call path's round trips say nothing of the
     * server's load.
     */
    void warmUp(int calls, int concurrency, long limitMicros) throws InterruptedException {
        long end = clock.nowMicros() + limitMicros;
        // within the limit, so that every warm-up frame is sent rather than refused
        concurrency = Math.min(concurrency, limiter.getLimit());
        Semaphore slots = new Semaphore(concurrency);
        for (int i = 0; i < calls && clock.nowMicros() < end && !breaker.isOpen(); i++) {
            if (!slots.tryAcquire(Math.max(0, end - clock.nowMicros()), TimeUnit.MICROSECONDS)) {
                break;
            }
            infer(warmUpFrame(i)).whenComplete((outcome, error) -> slots.release());
        }
        slots.tryAcquire(concurrency, Math.max(0, end - clock.nowMicros()), TimeUnit.MICROSECONDS);
        roundTrips = newTracker();
        lastAnswerMicros = clock.nowMicros();
        limiter = inFlightLimit.newLimiter(clock);
    }

    /** A frontal face half a metre from a 640x480 camera with a second to answer. */
    private FrameEnvelope warmUpFrame(long sequence) {
        PinholeCamera camera = PinholeCamera.withHorizontalFov(640, 480, PinholeCamera.DEFAULT_HORIZONTAL_FOV_DEG);
        long now = clock.nowMicros();
        FrameEnvelope frame = new FrameEnvelope();
        frame.sessionId = "warm-up";
        frame.sequence = sequence;
        frame.captureTimeUs = now;
        frame.sendTimeUs = now;
        frame.deadlineMs = 1_000;
        frame.deadlineUs = now + 1_000_000;
        frame.keypoints = FaceGeometry.projectKeypoints(new HeadPose(0, 0, 0, 0, 0, 0.5), camera);
        frame.imageWidth = camera.width();
        frame.imageHeight = camera.height();
        frame.focalLengthPx = (float) camera.focalPx();
        return frame;
    }

    /**
     * A high percentile of recent answered round trips, network and server queue included: what
     * the admission gate compares with a frame's remaining budget. An estimate with no answer
     * for a while is stale and falls back to the initial one: slow round trips (a cold JVM, a
     * passing overload) would otherwise make the gate admit nothing, and with no call made the
     * estimate could never learn that they are over. Timed-out calls are no samples, for the
     * same reason.
     */
    @Override
    public long expectedLatencyMicros() {
        return clock.nowMicros() - lastAnswerMicros > STALE_AFTER_MICROS ? initialLatencyMicros : roundTrips.micros();
    }

    /** After a silence of {@link #STALE_AFTER_MICROS} the tracker learns afresh by itself. */
    private void recordRoundTrip(long micros, long now) {
        roundTrips.record(micros);
        lastAnswerMicros = now;
    }

    /** Whether calls are being refused because the server is taken to be down. */
    public boolean circuitOpen() {
        return breaker.isOpen();
    }

    /** The in-flight limit now; {@link Integer#MAX_VALUE} when there is none. */
    public int inFlightLimit() {
        return limiter.getLimit();
    }

    /** Frames sent, or about to be, and not decided yet. */
    public int inFlight() {
        return limiter.getInflight();
    }

    /**
     * Reports {@code model_remote_in_flight_limit} and {@code model_remote_in_flight}, labelled
     * with the model: the limit on frames in flight to the servers, and how many are.
     */
    @Override
    public void registerMetrics(InferenceGauges gauges) {
        if (inFlightLimit.enabled()) {
            gauges.gauge(model, "remote_in_flight_limit", this::inFlightLimit);
        }
        gauges.gauge(model, "remote_in_flight", this::inFlight);
    }

    /**
     * Half-closes every stream, waits up to {@link #CLOSE_WAIT_MICROS} for the answers to the
     * frames already sent, then shuts the channel down; a frame still waiting then becomes
     * INFERENCE_FAILED.
     */
    @Override
    public void close() throws Exception {
        closed = true;
        List<CompletableFuture<?>> outstanding = new ArrayList<>();
        for (Slot slot : slots) {
            outstanding.addAll(slot.halfClose());
        }
        try {
            CompletableFuture.allOf(outstanding.toArray(CompletableFuture[]::new))
                    .get(CLOSE_WAIT_MICROS, TimeUnit.MICROSECONDS);
        } catch (TimeoutException | ExecutionException answersStillOut) {
            // the channel's shutdown below ends their streams, which fails them
        } finally {
            channel.shutdown();
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
            deadlines.shutdownNow();
        }
    }

    private static String describe(Status status) {
        return status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
    }

    /** One of the client's streams, opened again when it breaks or grows old. */
    private final class Slot {
        private FrameStream current;
        private boolean endSeen;
        private long reopenAtMicros;
        /** Streams in a row that broke before their first answer. */
        private int unansweredBreaks;

        /** {@code probe}: opens a stream at once if needed, waiting for the connection, and sends past flow control. */
        synchronized FrameStream.Send send(PendingFrame pending, InferRequest request, boolean probe) {
            long now = clock.nowMicros();
            if (current != null && !current.ended() && now - current.openedMicros() >= streamMaxAgeMicros) {
                // a fresh call lets round robin place it anew: on a server added or back since
                current.halfClose();
                current = open(now, false);
            }
            if (current == null || current.ended()) {
                if (current != null && !endSeen) {
                    endSeen = true;
                    unansweredBreaks = current.answeredAny() ? 0 : unansweredBreaks + 1;
                    reopenAtMicros = now + 1000 * REOPEN_WAITS.apply(unansweredBreaks + 1);
                }
                if (!probe && now < reopenAtMicros) {
                    return FrameStream.Send.ENDED;
                }
                current = open(now, probe);
            }
            FrameStream stream = current;
            FrameStream.Send result = stream.send(pending, request, probe);
            if (result == FrameStream.Send.SENT) {
                armDeadline(pending, stream);
            } else if (probe) {
                // a probe that cannot go out must still give the breaker its verdict
                lost(pending, stream.ended() ? stream.endStatus() : Status.UNAVAILABLE.withDescription(
                        "the probe could not be sent"));
            }
            return result;
        }

        private FrameStream open(long now, boolean waitForReady) {
            FrameStream stream = new FrameStream(events, now);
            endSeen = false;
            (waitForReady ? stub.withWaitForReady() : stub).inferStream(stream);
            return stream;
        }

        synchronized String whyClosed() {
            String why = current == null || current.endStatus() == null ? "no stream open"
                    : describe(current.endStatus());
            return why + "; stream opens again in " + Math.max(0, reopenAtMicros - clock.nowMicros()) / 1000 + " ms";
        }

        synchronized List<CompletableFuture<?>> halfClose() {
            if (current == null) {
                return List.of();
            }
            current.halfClose();
            return current.outstanding();
        }
    }
}
