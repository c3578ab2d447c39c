package io.driftless.inference.server;

import io.driftless.proto.InferRequest;
import io.driftless.proto.InferResponse;
import io.driftless.proto.InferenceServiceGrpc;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** A client's end of an {@code InferStream} in tests: answers by request id, and how the stream ended. */
final class AnswerCollector {

    private AnswerCollector() {}

    /** A stream's answers by request id, and how it ended. */
    record Answers(Map<Long, InferResponse> byId, CompletableFuture<Void> ended) {}

    /**
     * Opens a stream, sends pose frames with ids 1 to {@code frames} over ten sessions
     * ({@code sessionPrefix} and the id modulo 10) and half-closes it.
     */
    static Answers stream(Channel channel, int frames, String sessionPrefix, long budgetMicros) {
        Answers answers = new Answers(new ConcurrentHashMap<>(), new CompletableFuture<>());
        StreamObserver<InferRequest> requests = InferenceServiceGrpc.newStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .inferStream(into(answers.byId(), answers.ended()));
        for (long id = 1; id <= frames; id++) {
            requests.onNext(PoseRequests.request(id, sessionPrefix + id % 10, budgetMicros));
        }
        requests.onCompleted();
        return answers;
    }

    static StreamObserver<InferResponse> into(Map<Long, InferResponse> answers, CompletableFuture<Void> ended) {
        return new StreamObserver<>() {
            @Override
            public void onNext(InferResponse response) {
                answers.put(response.getRequestId(), response);
            }

            @Override
            public void onError(Throwable error) {
                ended.completeExceptionally(error);
            }

            @Override
            public void onCompleted() {
                ended.complete(null);
            }
        };
    }
}
