package io.driftless.job.testutils;

import io.driftless.inference.MicroClock;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.FrameInference;
import io.driftless.inference.service.FrameInferenceFactory;
import io.driftless.inference.service.InferenceOutcome;
import java.util.concurrent.CompletableFuture;

/**
 * A model that only states how long it takes: for testing the gates' decisions alone, where
 * what the model computes does not matter.
 */
public final class FixedLatencyInference implements FrameInferenceFactory {

    private static final long serialVersionUID = 1L;

    private final long latencyMicros;
    private final String key;

    public FixedLatencyInference(long latencyMicros) {
        this.latencyMicros = latencyMicros;
        this.key = "fixed-latency|" + latencyMicros;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public FrameInference create(MicroClock clock) {
        return new FrameInference() {
            @Override
            public String modelName() {
                return "fixed-latency";
            }

            @Override
            public CompletableFuture<InferenceOutcome> infer(FrameEnvelope frame) {
                throw new UnsupportedOperationException("only the latency estimate is used");
            }

            @Override
            public long expectedLatencyMicros() {
                return latencyMicros;
            }

            @Override
            public void close() {}
        };
    }
}
