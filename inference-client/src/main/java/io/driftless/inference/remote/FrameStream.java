package io.driftless.inference.remote;

import io.driftless.proto.InferRequest;
import io.driftless.proto.InferResponse;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@code InferStream} call: frames of many sessions go out on it, answers come back in
 * completion order and find their frame by request id.
 *
 * <p>Flow control is the caller's concern made visible: {@link #send} refuses a frame with
 * {@link Send#FULL} while the transport holds more unsent bytes than gRPC's ready threshold,
 * so a server that reads slower than frames come never makes the client buffer without
 * bound. When the call ends, every frame still waiting on it is handed to
 * {@link Events#lost} at once, with the status it ended with. Thread-safe.
 */
final class FrameStream implements ClientResponseObserver<InferRequest, InferResponse> {

    /**
     * Frames a stream takes before the transport says it is ready: a new stream is not ready
     * until HTTP/2 has allocated it, and a frame should not be refused for that.
     */
    static final int SENDS_BEFORE_READY = 64;

    enum Send {
        /** On its way; an answer, a loss or the deadline will decide it. */
        SENT,
        /** Not sent: the stream's outgoing buffer is full. */
        FULL,
        /** Not sent: the stream has ended or is closing. */
        ENDED
    }

    /** What becomes of the frames of a stream. Called on gRPC's threads. */
    interface Events {
        void answered(PendingFrame frame, InferResponse response);

        /** The stream ended before {@code frame} was answered. */
        void lost(PendingFrame frame, Status status);
    }

    private final Events events;
    private final long openedMicros;
    private final ConcurrentHashMap<Long, PendingFrame> pending = new ConcurrentHashMap<>();
    private ClientCallStreamObserver<InferRequest> requests;
    private boolean ready;
    private int sentBeforeReady;
    private boolean halfClosed;
    private volatile boolean ended;
    private volatile boolean answeredAny;
    private volatile Status endStatus;

    FrameStream(Events events, long openedMicros) {
        this.events = events;
        this.openedMicros = openedMicros;
    }

    @Override
    public synchronized void beforeStart(ClientCallStreamObserver<InferRequest> requestStream) {
        requests = requestStream;
        requestStream.setOnReadyHandler(this::becameReady);
    }

    private synchronized void becameReady() {
        ready = true;
    }

    /**
     * Sends {@code request} for {@code frame} unless the stream has ended or its buffer is full;
     * {@code force} sends past a full buffer (the circuit breaker's one probe must go out).
     */
    synchronized Send send(PendingFrame frame, InferRequest request, boolean force) {
        if (ended || halfClosed) {
            return Send.ENDED;
        }
        if (!force && !requests.isReady() && (ready || sentBeforeReady >= SENDS_BEFORE_READY)) {
            return Send.FULL;
        }
        if (!ready) {
            sentBeforeReady++;
        }
        // in the map before it leaves: the answer can come back before onNext returns
        pending.put(frame.requestId, frame);
        requests.onNext(request);
        return Send.SENT;
    }

    /** Takes the frame out if it is still waiting; whoever gets it decides its outcome. */
    PendingFrame remove(long requestId) {
        return pending.remove(requestId);
    }

    /** No more frames go out; the server answers those sent and then ends the stream. */
    synchronized void halfClose() {
        if (!halfClosed && !ended) {
            halfClosed = true;
            requests.onCompleted();
        }
    }

    /** Every frame now waiting on this stream is decided once these complete. */
    List<CompletableFuture<?>> outstanding() {
        List<CompletableFuture<?>> futures = new ArrayList<>();
        for (PendingFrame frame : pending.values()) {
            futures.add(frame.outcome);
        }
        return futures;
    }

    long openedMicros() {
        return openedMicros;
    }

    boolean ended() {
        return ended;
    }

    /** How it ended; only once {@link #ended}. */
    Status endStatus() {
        return endStatus;
    }

    /** Whether the server answered at least one frame on it: it was really connected. */
    boolean answeredAny() {
        return answeredAny;
    }

    @Override
    public void onNext(InferResponse response) {
        answeredAny = true;
        PendingFrame frame = pending.remove(response.getRequestId());
        if (frame != null) {
            events.answered(frame, response);
        }
        // else the frame's deadline passed first and it is decided already
    }

    @Override
    public void onError(Throwable error) {
        end(Status.fromThrowable(error));
    }

    @Override
    public void onCompleted() {
        end(Status.UNAVAILABLE.withDescription("the inference server ended the stream"));
    }

    private void end(Status status) {
        synchronized (this) {
            endStatus = status;
            // no frame joins the map from now on: send checks this under the same lock
            ended = true;
        }
        for (Long requestId : List.copyOf(pending.keySet())) {
            PendingFrame frame = pending.remove(requestId);
            if (frame != null) {
                events.lost(frame, status);
            }
        }
    }
}
