package io.driftless.job.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.inference.MicroClock;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.FrameInference;
import io.driftless.inference.service.FrameInferenceFactory;
import io.driftless.inference.service.InferenceOutcome;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedInferenceTest {

    /** Counts how often it was built and closed. */
    static final class Counting implements FrameInferenceFactory {
        final String key = UUID.randomUUID().toString();
        final AtomicInteger created = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public String key() {
            return key;
        }

        @Override
        public FrameInference create(MicroClock clock) {
            created.incrementAndGet();
            return new FrameInference() {
                @Override
                public String modelName() {
                    return "counting";
                }

                @Override
                public CompletableFuture<InferenceOutcome> infer(FrameEnvelope frame) {
                    return new CompletableFuture<>();
                }

                @Override
                public long expectedLatencyMicros() {
                    return 0;
                }

                @Override
                public void close() {
                    closed.incrementAndGet();
                }
            };
        }
    }

    @Test
    void operatorsWithTheSameModelShareOneInstanceClosedByTheLastToLeave() throws Exception {
        Counting factory = new Counting();
        SharedInference.Lease gate = SharedInference.acquire(factory, MicroClock.system());
        SharedInference.Lease async = SharedInference.acquire(factory, MicroClock.system());

        assertThat(gate.inference()).isSameAs(async.inference());
        assertThat(factory.created).hasValue(1);

        gate.close();
        gate.close();
        assertThat(factory.closed).as("still used by the other operator").hasValue(0);
        async.close();
        assertThat(factory.closed).hasValue(1);

        SharedInference.acquire(factory, MicroClock.system()).close();
        assertThat(factory.created).as("a new instance after the last was closed").hasValue(2);
    }

    @Test
    void differentModelsGetDifferentInstances() throws Exception {
        try (SharedInference.Lease a = SharedInference.acquire(new Counting(), MicroClock.system());
                SharedInference.Lease b = SharedInference.acquire(new Counting(), MicroClock.system())) {
            assertThat(a.inference()).isNotSameAs(b.inference());
        }
    }
}
