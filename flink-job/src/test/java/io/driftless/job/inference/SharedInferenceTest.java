package io.driftless.job.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.inference.MicroClock;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.FrameInference;
import io.driftless.inference.service.FrameInferenceFactory;
import io.driftless.inference.service.InferenceOutcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedInferenceTest {

    /** Counts how often it was built and closed. */
    static final class Counting implements FrameInferenceFactory {
        final String key;
        final AtomicInteger created = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();

        Counting(String key) {
            this.key = key;
        }

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

    private final SharedInference shared = new SharedInference();

    private SharedInference.Lease acquire(Counting factory) throws Exception {
        return shared.acquire(factory.key(), factory, MicroClock.system());
    }

    @Test
    void operatorsWithTheSameModelShareOneInstanceClosedByTheLastToLeave() throws Exception {
        Counting factory = new Counting("pose");
        SharedInference.Lease gate = acquire(factory);
        SharedInference.Lease async = acquire(factory);

        assertThat(gate.inference()).isSameAs(async.inference());
        assertThat(factory.created).hasValue(1);
        assertThat(shared.keys()).containsExactly("pose");

        gate.close();
        gate.close();
        assertThat(factory.closed).as("still used by the other operator").hasValue(0);
        async.close();
        assertThat(factory.closed).hasValue(1);
        assertThat(shared.keys()).as("nothing held once every lease is closed").isEmpty();

        acquire(factory).close();
        assertThat(factory.created).as("a new instance after the last was closed").hasValue(2);
    }

    @Test
    void differentModelsGetDifferentInstances() throws Exception {
        try (SharedInference.Lease a = acquire(new Counting("pose"));
                SharedInference.Lease b = acquire(new Counting("face"))) {
            assertThat(a.inference()).isNotSameAs(b.inference());
            assertThat(shared.keys()).containsExactlyInAnyOrder("pose", "face");
        }
        assertThat(shared.keys()).isEmpty();
    }
}
