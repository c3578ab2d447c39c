package io.driftless.inference.service;

import java.util.concurrent.CompletableFuture;

/**
 * Serves each frame with the model its payload needs: landmarks with the pose model, images
 * with the face model. The job's one {@link FrameInference}, so admission, async inference and
 * the render gate are the same for both; the latency estimate is per payload.
 */
public final class PayloadRoutedInference implements FrameInference {

    private final FrameInference landmarks;
    private final FrameInference images;

    public PayloadRoutedInference(FrameInference landmarks, FrameInference images) {
        this.landmarks = landmarks;
        this.images = images;
    }

    @Override
    public String modelName() {
        return landmarks.modelName() + "+" + images.modelName();
    }

    @Override
    public CompletableFuture<InferenceOutcome> infer(FrameEnvelope frame) {
        return backend(frame.payload()).infer(frame);
    }

    /** The landmark path's estimate: the one a caller that does not say which payload gets. */
    @Override
    public long expectedLatencyMicros() {
        return landmarks.expectedLatencyMicros();
    }

    @Override
    public long expectedLatencyMicros(Payload payload) {
        return backend(payload).expectedLatencyMicros();
    }

    @Override
    public long expectedLatencyMicros(FrameEnvelope frame) {
        return backend(frame.payload()).expectedLatencyMicros(frame);
    }

    @Override
    public String imageModelFor(FrameEnvelope frame) {
        return frame.payload() == Payload.IMAGE ? images.imageModelFor(frame) : null;
    }

    @Override
    public void registerMetrics(InferenceGauges gauges) {
        landmarks.registerMetrics(gauges);
        images.registerMetrics(gauges);
    }

    private FrameInference backend(Payload payload) {
        return payload == Payload.IMAGE ? images : landmarks;
    }

    @Override
    public void close() throws Exception {
        try {
            landmarks.close();
        } finally {
            images.close();
        }
    }
}
