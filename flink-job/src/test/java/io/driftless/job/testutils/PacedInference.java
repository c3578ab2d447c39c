package io.driftless.job.testutils;

import io.driftless.inference.MicroClock;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.FrameInference;
import io.driftless.inference.service.FrameInferenceFactory;
import io.driftless.inference.service.InferenceOutcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The real model with a small capacity: frames go to it one at a time, {@code serviceMicros}
 * apart, so it answers at most {@code 1 / serviceMicros} frames per second in the whole
 * TaskManager. Makes the model, not the test machine, what a flood competes for. The latency
 * estimate counts the frames waiting, so admission sheds what cannot make it.
 */
public final class PacedInference implements FrameInferenceFactory {

    private static final long serialVersionUID = 1L;

    private final FrameInferenceFactory model;
    private final long serviceMicros;
    private final String key;

    public PacedInference(FrameInferenceFactory model, long serviceMicros) {
        this.model = model;
        this.serviceMicros = serviceMicros;
        this.key = "paced|" + serviceMicros + "|" + model.key();
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public FrameInference create(MicroClock clock) throws Exception {
        FrameInference inner = model.create(clock);
        ExecutorService pacer = Executors.newSingleThreadExecutor();
        AtomicInteger waiting = new AtomicInteger();
        return new FrameInference() {
            @Override
            public String modelName() {
                return inner.modelName();
            }

            @Override
            public CompletableFuture<InferenceOutcome> infer(FrameEnvelope frame) {
                CompletableFuture<InferenceOutcome> outcome = new CompletableFuture<>();
                waiting.incrementAndGet();
                pacer.execute(() -> {
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(serviceMicros));
                    waiting.decrementAndGet();
                    inner.infer(frame).thenAccept(outcome::complete);
                });
                return outcome;
            }

            @Override
            public long expectedLatencyMicros() {
                return inner.expectedLatencyMicros() + (waiting.get() + 1L) * serviceMicros;
            }

            @Override
            public void close() throws Exception {
                pacer.shutdownNow();
                inner.close();
            }
        };
    }
}
