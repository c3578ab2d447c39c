package io.driftless.job.testutils;

import io.driftless.inference.MicroClock;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.FrameInference;
import io.driftless.inference.service.FrameInferenceFactory;
import io.driftless.inference.service.InferenceOutcome;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The real model behind a switch the test flips: while failing, every call throws as a broken
 * model or runtime would, inside the future and, for every other frame, straight from
 * {@code infer}.
 */
public final class FailingInference implements FrameInferenceFactory {

    private static final long serialVersionUID = 1L;

    /**
     * The factory travels to the MiniCluster serialized, so the switch it reads lives here, by
     * factory key; the MiniCluster runs in the test's JVM.
     */
    private static final Map<String, AtomicBoolean> SWITCHES = new ConcurrentHashMap<>();

    private final FrameInferenceFactory model;
    private final String key;

    public FailingInference(FrameInferenceFactory model) {
        this.model = model;
        this.key = "failing|" + model.key();
        SWITCHES.put(key, new AtomicBoolean());
    }

    public void failing(boolean failing) {
        SWITCHES.get(key).set(failing);
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public FrameInference create(MicroClock clock) throws Exception {
        FrameInference inner = model.create(clock);
        AtomicBoolean failing = SWITCHES.get(key);
        return new FrameInference() {
            @Override
            public String modelName() {
                return inner.modelName();
            }

            @Override
            public CompletableFuture<InferenceOutcome> infer(FrameEnvelope frame) {
                if (!failing.get()) {
                    return inner.infer(frame);
                }
                IllegalStateException broken = new IllegalStateException("the model's runtime broke");
                if (frame.sequence % 2 == 0) {
                    throw broken;
                }
                return CompletableFuture.failedFuture(broken);
            }

            @Override
            public long expectedLatencyMicros() {
                return inner.expectedLatencyMicros();
            }

            @Override
            public void close() throws Exception {
                inner.close();
            }
        };
    }
}
