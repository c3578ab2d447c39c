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
 * runner thread: the model hands a batch's results over and starts its next batch, and a client
 * whose answers are slow to go out holds a handler thread, not the model every client shares.
 */
final class InferenceEndpoint extends InferenceServiceGrpc.InferenceServiceImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceEndpoint.class);

    private final ModelCatalog models;
    private final ServerMetrics metrics;
    private final MicroClock clock;
    private final Executor handlers;

    /** @param handlers the server's call handler threads, which build and write the answers too */
    InferenceEndpoint(ModelCatalog models, ServerMetrics metrics, MicroClock clock, Executor handlers) {
        this.models = models;
        this.metrics = metrics;
        this.clock = clock;
        this.handlers = handlers;
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
        return new StreamOfFrames((ServerCallStreamObserver<InferResponse>) responses);
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
     * queues the tasks, and wakes at most one handler thread per stream. A write that
     * is slow to go out holds that one thread, not the model, this stream's reading, or the
     * other streams.
     */
    private final class StreamOfFrames implements StreamObserver<InferRequest>, Executor {
        private final ServerCallStreamObserver<InferResponse> responses;
        private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        /** Tasks queued and not yet run: whoever raises it from zero sends a handler thread to run them. */
        private final AtomicInteger tasksDue = new AtomicInteger();
        /** Frames received and not yet answered. */
        private final AtomicInteger outstanding = new AtomicInteger();
        private volatile boolean halfClosed;
        private volatile boolean ended;

        StreamOfFrames(ServerCallStreamObserver<InferResponse> responses) {
            this.responses = responses;
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
                    responses.onNext(response);
                } catch (StatusRuntimeException cancelledMeanwhile) {
                    ended = true;
                }
            }
            endIfAllAnswered();
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
        }

        @Override
        public void onCompleted() {
            halfClosed = true;
            execute(this::endIfAllAnswered);
        }
    }
}
