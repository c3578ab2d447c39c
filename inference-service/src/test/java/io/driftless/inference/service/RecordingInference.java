package io.driftless.inference.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A backend that answers at once and remembers what it served. */
final class RecordingInference implements FrameInference {

    final String name;
    final long expectedMicros;
    final List<FrameEnvelope> served = new ArrayList<>();
    boolean closed;

    RecordingInference(String name, long expectedMicros) {
        this.name = name;
        this.expectedMicros = expectedMicros;
    }

    @Override
    public String modelName() {
        return name;
    }

    /** As a single model: its own name for every image frame. */
    @Override
    public String imageModelFor(FrameEnvelope frame) {
        return frame.payload() == Payload.IMAGE ? name : null;
    }

    @Override
    public CompletableFuture<InferenceOutcome> infer(FrameEnvelope frame) {
        served.add(frame);
        InferenceOutcome outcome = new InferenceOutcome();
        outcome.frame = frame;
        outcome.model = name;
        return CompletableFuture.completedFuture(outcome);
    }

    @Override
    public long expectedLatencyMicros() {
        return expectedMicros;
    }

    @Override
    public void close() {
        closed = true;
    }
}
