package io.driftless.inference.server;

import io.driftless.proto.Frame;
import io.driftless.proto.InferResponse;
import java.util.concurrent.CompletableFuture;

/** One model the server serves, behind its own micro-batching runner. */
interface ServedModel extends AutoCloseable {

    /** The name requests ask for, e.g. {@code pose-v1}. */
    String name();

    /**
     * Runs the model on {@code frame} unless it cannot finish by {@code deadlineMicros} (server
     * clock). The response carries a result or a drop with its reason, plus queue and compute
     * times and the batch size; {@code request_id} is left for the caller. The future never
     * completes exceptionally.
     */
    CompletableFuture<InferResponse> infer(Frame frame, long receivedMicros, long deadlineMicros);

    @Override
    void close();
}
