package io.driftless.inference.server;

import io.driftless.proto.InferResponse;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A client's end of an {@code InferStream} in tests: answers by request id, and how the stream ended. */
final class AnswerCollector {

    private AnswerCollector() {}

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
