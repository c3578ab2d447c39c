package io.driftless.inference.flink;

import java.util.concurrent.CompletableFuture;

/**
 * A model behind the job's async stage: takes admitted frames, answers each with an outcome.
 * In-process ONNX Runtime or a remote server; the job's semantics do not depend on which.
 */
public interface FrameInference extends AutoCloseable {

    String modelName();

    /**
     * Starts inference on one frame. The future never completes exceptionally: failures,
     * refusals and frames that cannot make {@link FrameEnvelope#deadlineUs} come back as
     * outcomes with a drop reason.
     */
    CompletableFuture<InferenceOutcome> infer(FrameEnvelope frame);

    /** What a frame admitted now should expect to wait for its result, in microseconds. */
    long expectedLatencyMicros();
}
