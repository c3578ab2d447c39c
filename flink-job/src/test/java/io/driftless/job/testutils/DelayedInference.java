package io.driftless.job.testutils;

import io.driftless.inference.MicroClock;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.FrameInference;
import io.driftless.inference.service.FrameInferenceFactory;
import io.driftless.inference.service.InferenceOutcome;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The real model made slower than any deadline: every result is held back by a fixed delay.
 * When {@code announced}, the latency estimate includes the delay (so admission can shed
 * frames before inference); otherwise the model looks fast and frames time out in flight. The
 * delay is on from the start; a test may switch it off and on again ({@link #delaying}).
 */
public final class DelayedInference implements FrameInferenceFactory {

    private static final long serialVersionUID = 1L;

    /**
     * The factory travels to the MiniCluster serialized, so the switch it reads lives here, by
     * factory key; the MiniCluster runs in the test's JVM.
     */
    private static final Map<String, AtomicBoolean> SWITCHES = new ConcurrentHashMap<>();

    private final FrameInferenceFactory model;
    private final long delayMillis;
    private final boolean announced;
    private final String key;

    public DelayedInference(FrameInferenceFactory model, long delayMillis, boolean announced) {
        this.model = model;
        this.delayMillis = delayMillis;
        this.announced = announced;
        this.key = "delayed|" + delayMillis + "|" + announced + "|" + model.key();
        SWITCHES.put(key, new AtomicBoolean(true));
    }

    /** Switches the delay on or off for the frames from now on. */
    public void delaying(boolean on) {
        SWITCHES.get(key).set(on);
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public FrameInference create(MicroClock clock) throws Exception {
        FrameInference inner = model.create(clock);
        ScheduledExecutorService delayer = Executors.newSingleThreadScheduledExecutor();
        AtomicBoolean delaying = SWITCHES.get(key);
        return new FrameInference() {
            @Override
            public String modelName() {
                return inner.modelName();
            }

            @Override
            public CompletableFuture<InferenceOutcome> infer(FrameEnvelope frame) {
                if (!delaying.get()) {
                    return inner.infer(frame);
                }
                CompletableFuture<InferenceOutcome> late = new CompletableFuture<>();
                delayer.schedule(() -> inner.infer(frame).thenAccept(late::complete), delayMillis, TimeUnit.MILLISECONDS);
                return late;
            }

            @Override
            public long expectedLatencyMicros() {
                return inner.expectedLatencyMicros() + (announced && delaying.get() ? delayMillis * 1000 : 0);
            }

            @Override
            public void close() throws Exception {
                delayer.shutdownNow();
                inner.close();
            }
        };
    }
}
