package io.driftless.bench.system;

import io.driftless.inference.MicroClock;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.FrameInference;
import io.driftless.inference.service.FrameInferenceFactory;
import io.driftless.inference.service.InferenceOutcome;
import java.util.concurrent.CompletableFuture;

/**
 * A model that costs nothing: answers every frame at once with a frontal pose. Put in the job's
 * topology instead of the pose model it makes the transport floor: the same source, parse, keyed
 * gates, async stage and sinks, without inference.
 */
public final class InstantInference implements FrameInference {

    /** Ships with the job graph. */
    public static final class Factory implements FrameInferenceFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public String key() {
            return "instant";
        }

        @Override
        public FrameInference create(MicroClock clock) {
            return new InstantInference(clock);
        }
    }

    private final MicroClock clock;

    private InstantInference(MicroClock clock) {
        this.clock = clock;
    }

    @Override
    public String modelName() {
        return "instant";
    }

    @Override
    public CompletableFuture<InferenceOutcome> infer(FrameEnvelope frame) {
        InferenceOutcome outcome = new InferenceOutcome();
        outcome.frame = frame;
        outcome.model = "instant";
        outcome.inferenceStartUs = clock.nowMicros();
        outcome.inferenceEndUs = outcome.inferenceStartUs;
        outcome.batchSize = 1;
        outcome.zM = 0.5f;
        outcome.confidence = 1;
        return CompletableFuture.completedFuture(outcome);
    }

    @Override
    public long expectedLatencyMicros() {
        return 0;
    }

    @Override
    public void close() {}
}
