package io.driftless.inference.service;

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

    /**
     * What a frame of {@code payload} admitted now should expect to wait, in microseconds. A
     * backend serving several payloads answers per payload: a JPEG frame costs far more than a
     * landmark frame, and one estimate for both would shed every landmark frame or admit JPEG
     * frames that cannot make it. A backend serving one payload answers the same for all.
     */
    default long expectedLatencyMicros(Payload payload) {
        return expectedLatencyMicros();
    }

    /**
     * What {@code frame}, admitted now, should expect to wait, in microseconds: by its payload,
     * and by the model it asks for where a backend serves several of one payload.
     */
    default long expectedLatencyMicros(FrameEnvelope frame) {
        return expectedLatencyMicros(frame.payload());
    }

    /**
     * The name of the image model that serves {@code frame}, for per-model metrics: null for a
     * landmark frame, for a frame that asks for a model not served, and where the backend cannot
     * tell before it answers.
     */
    default String imageModelFor(FrameEnvelope frame) {
        return null;
    }

    /**
     * Reports the backend's own gauges to {@code gauges}, if it has any. Each operator that
     * uses the backend calls it; the backend is shared per TaskManager, so every operator
     * reports the same values.
     */
    default void registerMetrics(InferenceGauges gauges) {
    }
}
