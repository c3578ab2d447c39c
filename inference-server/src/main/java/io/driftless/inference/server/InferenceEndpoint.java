package io.driftless.inference.server;

import io.driftless.inference.MicroClock;
import io.driftless.proto.DropReason;
import io.driftless.proto.DroppedFrame;
import io.driftless.proto.InferRequest;
import io.driftless.proto.InferResponse;
import io.driftless.proto.InferenceServiceGrpc;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC inference service: each request gets a deadline (the smaller of its remaining
 * budget and the call's gRPC deadline), is refused at once if that has passed, and otherwise
 * joins its model's earliest-deadline-first queue.
 *
 * <p>Unary calls answer a refusal for a full queue with {@code RESOURCE_EXHAUSTED} and an
 * unknown model with {@code NOT_FOUND}; every other way a frame can fail comes back as a
 * {@link DroppedFrame} with its reason. A stream cannot fail one frame with a status without
 * ending the others, so on a stream every failure is a {@link DroppedFrame}.
 *
 * <p>Answers are built and written on the server's call handler threads, never on a model's
 * runner thread: the model hands a batch's results over and starts its next batch. A write never
 * blocks a handler thread either: gRPC buffers an answer its transport cannot send yet. What
 * bounds those buffers is inbound flow control on each stream: the server reads a stream's frames
 * only while its answers are going out and it holds fewer than the stream window of them.
 */
final class InferenceEndpoint extends InferenceServiceGrpc.InferenceServiceImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceEndpoint.class);

    private final ModelCatalog models;
    private final ServerMetrics metrics;
    private final MicroClock clock;
    private final Executor handlers;
    private final int streamWindow;

    /**
     * @param handlers the server's call handler threads, which build and write the answers too
     * @param streamWindow most frames of one stream the server holds at once: asked for and not
     *     yet arrived, queued, running, or being answered
     */
    InferenceEndpoint(ModelCatalog models, ServerMetrics metrics, MicroClock clock, Executor handlers,
            int streamWindow) {
        this.models = models;
        this.metrics = metrics;
        this.clock = clock;
        this.handlers = handlers;
        this.streamWindow = streamWindow;
    }

    @Override
    public void infer(InferRequest request, StreamObserver<InferResponse> responses) {
        ServedModel model = models.get(request.getModel());
        if (model == null) {
            metrics.rejected("", "unknown_model");
            responses.onError(Status.NOT_FOUND.withDescription(unknownModel(request)).asRuntimeException());
            return;
        }
        ServerCallStreamObserver<InferResponse> call = (ServerCallStreamObserver<InferResponse>) responses;
        serve(model, request, handlers).thenAccept(response -> {
            if (call.isCancelled()) {
                return;
            }
            try {
                if (response.hasDropped() && response.getDropped().getReason() == DropReason.OVERLOADED) {
                    call.onError(Status.RESOURCE_EXHAUSTED
                            .withDescription(response.getDropped().getDetail())
                            .asRuntimeException());
                } else {
                    call.onNext(response);
                    call.onCompleted();
                }
            } catch (StatusRuntimeException cancelledMeanwhile) {
                // the client gave up (its deadline passed) between the check and the answer
            }
        });
    }

    @Override
    public StreamObserver<InferRequest> inferStream(StreamObserver<InferResponse> responses) {
        StreamOfFrames stream = new StreamOfFrames((ServerCallStreamObserver<InferResponse>) responses);
        stream.readMore(0);
        return stream;
    }

    /**
     * Runs one request, its answer built on {@code answering}; the future never completes
     * exceptionally.
     */
    private CompletableFuture<InferResponse> serve(ServedModel model, InferRequest request, Executor answering) {
        long received = clock.nowMicros();
        long deadline = received + remainingMicros(request);
        metrics.received(model.name());
        CompletableFuture<InferResponse> answer;
        if (deadline <= received) {
            answer = CompletableFuture.completedFuture(InferResponse.newBuilder()
                    .setDropped(drop(request, DropReason.LATE_ON_ARRIVAL,
                            "deadline passed " + (received - deadline) + " us before the server received the request"))
                    .build());
        } else {
            answer = model.infer(request.getFrame(), received, deadline, answering);
        }
        return answer.handle((response, error) -> {
            InferResponse done = error == null ? response : InferResponse.newBuilder()
                    .setDropped(drop(request, DropReason.INFERENCE_FAILED, "inference failed: " + error))
                    .build();
            done = done.toBuilder().setRequestId(request.getRequestId()).build();
            account(model.name(), done);
            return done;
        });
    }

    /** The request's own budget, cut to the call's gRPC deadline if that is sooner. */
    private static long remainingMicros(InferRequest request) {
        long remaining = request.getRemainingBudgetUs();
        Deadline callDeadline = Context.current().getDeadline();
        if (callDeadline != null) {
            remaining = Math.min(remaining, callDeadline.timeRemaining(TimeUnit.MICROSECONDS));
        }
        return remaining;
    }

    private void account(String model, InferResponse response) {
        String outcome = response.hasDropped() ? response.getDropped().getReason().name().toLowerCase(Locale.ROOT) : "ok";
        boolean ran = response.getBatchSize() > 0;
        metrics.answered(model, outcome, ran ? response.getQueueUs() : -1);
        if (response.hasDropped() && !ran) {
            switch (response.getDropped().getReason()) {
                case LATE_ON_ARRIVAL -> metrics.rejected(model, "expired");
                case OVERLOADED -> metrics.rejected(model, "overloaded");
                case INVALID -> metrics.rejected(model, "invalid");
                default -> { }
            }
        }
    }

    private String unknownModel(InferRequest request) {
        return "unknown model '" + request.getModel() + "': this server serves " + models.names();
    }

    private static DroppedFrame drop(InferRequest request, DropReason reason, String detail) {
        return DroppedFrame.newBuilder()
                .setSessionId(request.getFrame().getSessionId())
                .setSequence(request.getFrame().getSequence())
                .setCaptureTimeUs(request.getFrame().getCaptureTimeUs())
                .setReason(reason)
                .setDetail(detail)
                .build();
    }

    /**
     * One client's stream: answers in completion order, ends once every frame is answered.
     *
     * <p>A {@link StreamObserver} is not thread-safe, so everything that builds or writes this
     * stream's answers runs as a task of the stream's own, one at a time, in order, on a handler
     * thread, as grpc-java serializes a call's own callbacks: a model that completes a batch only
     * queues the tasks, and wakes at most one handler thread per stream.
     *
     * <p>Frames are read by hand (grpc-java's manual flow control): the stream asks the client for
     * more only while its answers are going out ({@code isReady}) and fewer than the stream window
     * of its frames are in the server. A client that stops reading its answers soon finds the
     * server not reading its frames; HTTP/2 flow control then stops its sends, and its own
     * transport refuses frames instead of the server buffering answers without bound. When the
     * client reads again, the transport turns ready and the stream asks for frames again.
     */
    private final class StreamOfFrames implements StreamObserver<InferRequest>, Executor {
        private final ServerCallStreamObserver<InferResponse> responses;
        private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        /** Tasks queued and not yet run: whoever raises it from zero sends a handler thread to run them. */
        private final AtomicInteger tasksDue = new AtomicInteger();
        /** Frames received and not yet answered. */
        private final AtomicInteger outstanding = new AtomicInteger();
        /** Frames asked of the client and not yet answered: what the stream window bounds. */
        private int taken;
        /** Whether the stream last found its answers not going out, as the metric tells. */
        private boolean waitingOnClient;
        private volatile boolean halfClosed;
        private volatile boolean ended;

        StreamOfFrames(ServerCallStreamObserver<InferResponse> responses) {
            this.responses = responses;
            responses.disableAutoRequest();
            responses.setOnReadyHandler(() -> readMore(0));
        }

        @Override
        public void onNext(InferRequest request) {
            outstanding.incrementAndGet();
            ServedModel model = models.get(request.getModel());
            if (model == null) {
                metrics.rejected("", "unknown_model");
                InferResponse unknown = InferResponse.newBuilder()
                        .setRequestId(request.getRequestId())
                        // the frame is fine: the client asks for a model this server does not have
                        .setDropped(drop(request, DropReason.INFERENCE_FAILED, unknownModel(request)))
                        .build();
                execute(() -> write(unknown));
                return;
            }
            serve(model, request, this).thenAcceptAsync(this::write, this);
        }

        /** Runs {@code task} after the tasks queued before it, one at a time, on a handler thread. */
        @Override
        public void execute(Runnable task) {
            tasks.add(task);
            if (tasksDue.getAndIncrement() == 0) {
                try {
                    handlers.execute(this::runQueued);
                } catch (RejectedExecutionException stopped) {
                    // the handlers have stopped with the server: its calls are over, so every write returns at once
                    runQueued();
                }
            }
        }

        private void runQueued() {
            int due = 1;
            do {
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        LOG.warn("an answer task of a stream failed", e);
                    }
                }
                due = tasksDue.addAndGet(-due);
            } while (due != 0);
        }

        private void write(InferResponse response) {
            outstanding.decrementAndGet();
            if (!ended && !responses.isCancelled()) {
                try {
                    // never blocks: an answer the transport cannot send yet waits in its buffer
                    responses.onNext(response);
                } catch (StatusRuntimeException cancelledMeanwhile) {
                    ended = true;
                }
            }
            endIfAllAnswered();
            readMore(1);
        }

        /**
         * Notes {@code answered} frames as gone, then asks the client for as many frames as the
         * window has room for, unless the answers already written are not going out. Called from
         * the answer tasks and from gRPC's on-ready callback, hence the lock.
         */
        private synchronized void readMore(int answered) {
            taken -= answered;
            boolean answersWaiting = !ended && !responses.isReady();
            if (answersWaiting != waitingOnClient) {
                waitingOnClient = answersWaiting;
                metrics.streamWaitingOnClient(answersWaiting);
            }
            int room = streamWindow - taken;
            if (ended || answersWaiting || room <= 0) {
                return;
            }
            taken += room;
            responses.request(room);
        }

        private void endIfAllAnswered() {
            // every frame arrived before the half-close, so a count of zero then is final
            if (halfClosed && outstanding.get() == 0 && !ended) {
                ended = true;
                try {
                    responses.onCompleted();
                } catch (StatusRuntimeException cancelledMeanwhile) {
                    // the client went away before the end of the stream reached it
                }
            }
        }

        @Override
        public void onError(Throwable clientError) {
            // the client went away: answers still pending have no one to go to
            ended = true;
            readMore(0);
        }

        @Override
        public void onCompleted() {
            halfClosed = true;
            execute(() -> {
                endIfAllAnswered();
                readMore(0);
            });
        }
    }
}
