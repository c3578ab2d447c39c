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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
        serve(model, request).thenAccept(response -> {
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

    /** Runs one request; the future never completes exceptionally. */
    private CompletableFuture<InferResponse> serve(ServedModel model, InferRequest request) {
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
            answer = model.infer(request.getFrame(), received, deadline, handlers);
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
     * <p>A {@link StreamObserver} is not thread-safe, and answers complete on any handler
     * thread: they queue here, and the thread that finds no other writing writes what is queued
     * until none is left, ending the stream too once the client has half-closed and every frame
     * is answered. The others only queue and go on, and no lock is held while writing: a write
     * that is slow to go out holds that one thread, not the threads that read this stream's
     * frames or answer the other streams.
     */
    private final class StreamOfFrames implements StreamObserver<InferRequest> {
        private final ServerCallStreamObserver<InferResponse> responses;
        private final Queue<InferResponse> unwritten = new ConcurrentLinkedQueue<>();
        /** Frames received and not yet answered on the wire (queued answers count as outstanding). */
        private final AtomicInteger outstanding = new AtomicInteger();
        /** Writing passes asked for and not yet run: whoever raises it from zero writes. */
        private final AtomicInteger writesDue = new AtomicInteger();
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
                answer(InferResponse.newBuilder()
                        .setRequestId(request.getRequestId())
                        // the frame is fine: the client asks for a model this server does not have
                        .setDropped(drop(request, DropReason.INFERENCE_FAILED, unknownModel(request)))
                        .build());
                return;
            }
            serve(model, request).thenAccept(this::answer);
        }

        /** Called on a handler thread, where the answer was built. */
        private void answer(InferResponse response) {
            unwritten.add(response);
            writeIfNoneIs();
        }

        /** Writes what is queued on this thread, unless another thread is writing it already. */
        private void writeIfNoneIs() {
            if (writesDue.getAndIncrement() == 0) {
                writeQueued();
            }
        }

        /** Runs on one thread at a time: the only place that calls {@link #responses}. */
        private void writeQueued() {
            int due = 1;
            do {
                InferResponse response;
                while ((response = unwritten.poll()) != null) {
                    outstanding.decrementAndGet();
                    write(response);
                }
                // every frame arrived before the half-close, so a count of zero now is final
                if (halfClosed && outstanding.get() == 0 && !ended) {
                    ended = true;
                    try {
                        responses.onCompleted();
                    } catch (StatusRuntimeException cancelledMeanwhile) {
                        // the client went away before the end of the stream reached it
                    }
                }
                due = writesDue.addAndGet(-due);
            } while (due != 0);
        }

        private void write(InferResponse response) {
            if (ended || responses.isCancelled()) {
                return;
            }
            try {
                responses.onNext(response);
            } catch (StatusRuntimeException cancelledMeanwhile) {
                ended = true;
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
            writeIfNoneIs();
        }
    }
}
