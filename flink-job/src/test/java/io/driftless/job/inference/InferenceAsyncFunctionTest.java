package io.driftless.job.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.inference.MicroClock;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.FrameInference;
import io.driftless.inference.service.FrameInferenceFactory;
import io.driftless.inference.service.InferenceOutcome;
import io.driftless.proto.DropReason;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.apache.flink.streaming.api.functions.async.CollectionSupplier;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.util.MockStreamingRuntimeContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InferenceAsyncFunctionTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private InferenceAsyncFunction function;

    /** A model whose answer the test decides per frame. */
    static final class Scripted implements FrameInferenceFactory {
        final String key = "scripted";
        final transient Function<FrameEnvelope, CompletableFuture<InferenceOutcome>> answer;

        Scripted(Function<FrameEnvelope, CompletableFuture<InferenceOutcome>> answer) {
            this.answer = answer;
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
                    return "scripted";
                }

                @Override
                public CompletableFuture<InferenceOutcome> infer(FrameEnvelope frame) {
                    return answer.apply(frame);
                }

                @Override
                public long expectedLatencyMicros() {
                    return 0;
                }

                @Override
                public void close() {}
            };
        }
    }

    /** Collects what the function completes, once. */
    static final class Collected implements ResultFuture<InferenceOutcome> {
        final List<InferenceOutcome> outcomes = new ArrayList<>();
        final CountDownLatch done = new CountDownLatch(1);

        @Override
        public void complete(Collection<InferenceOutcome> result) {
            outcomes.addAll(result);
            done.countDown();
        }

        @Override
        public void completeExceptionally(Throwable error) {
            throw new AssertionError("the job would fail", error);
        }

        @Override
        public void complete(CollectionSupplier<InferenceOutcome> supplier) {
            try {
                complete(supplier.get());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        InferenceOutcome single() throws InterruptedException {
            assertThat(done.await(10, TimeUnit.SECONDS)).as("completed").isTrue();
            assertThat(outcomes).hasSize(1);
            return outcomes.get(0);
        }
    }

    private Collected invoke(Function<FrameEnvelope, CompletableFuture<InferenceOutcome>> model, long budgetUs)
            throws Exception {
        function = new InferenceAsyncFunction(new Scripted(model), now::get);
        function.setRuntimeContext(new MockStreamingRuntimeContext(1, 0));
        function.open(DefaultOpenContext.INSTANCE);
        FrameEnvelope frame = new FrameEnvelope();
        frame.sessionId = "alice";
        frame.deadlineUs = now.get() + budgetUs;
        Collected result = new Collected();
        function.asyncInvoke(frame, result);
        return result;
    }

    @AfterEach
    void close() throws Exception {
        function.close();
        assertThat(SharedInference.perTaskManager().keys()).as("models still held after the function closed").isEmpty();
    }

    @Test
    void passesTheModelsOutcomeOn() throws Exception {
        InferenceOutcome ok = new InferenceOutcome();
        assertThat(invoke(f -> CompletableFuture.completedFuture(ok), 30_000).single()).isSameAs(ok);
    }

    @Test
    void countsAFrameInFlightFromHandOverUntilTheModelAnswers() throws Exception {
        CompletableFuture<InferenceOutcome> answer = new CompletableFuture<>();
        Collected result = invoke(f -> answer, 30_000_000);
        assertThat(function.inFlight()).isEqualTo(1);

        answer.complete(new InferenceOutcome());
        result.single();
        assertThat(function.inFlight()).isZero();
    }

    @Test
    void aModelThatThrowsLeavesNothingInFlight() throws Exception {
        invoke(f -> {
            throw new IllegalStateException("boom");
        }, 30_000).single();
        assertThat(function.inFlight()).isZero();
    }

    @Test
    void aFrameWithNoBudgetLeftIsLateWithoutAskingTheModel() throws Exception {
        InferenceOutcome outcome = invoke(f -> {
            throw new AssertionError("must not run");
        }, 0).single();
        assertThat(outcome.dropReason).isEqualTo(DropReason.LATE_ON_ARRIVAL);
    }

    @Test
    void waitsNoLongerThanTheFramesRemainingBudget() throws Exception {
        InferenceOutcome outcome = invoke(f -> new CompletableFuture<>(), 20_000).single();
        assertThat(outcome.dropReason).isEqualTo(DropReason.DEADLINE_EXCEEDED);
        assertThat(outcome.detail).contains("20000 us");
    }

    @Test
    void aModelThatThrowsBecomesADropNotAJobFailure() throws Exception {
        InferenceOutcome thrown = invoke(f -> {
            throw new IllegalStateException("boom");
        }, 30_000).single();
        assertThat(thrown.dropReason).isEqualTo(DropReason.INFERENCE_FAILED);
        assertThat(thrown.detail).contains("boom");
        function.close();

        InferenceOutcome failedFuture = invoke(f -> CompletableFuture.failedFuture(new IllegalStateException("bang")), 30_000).single();
        assertThat(failedFuture.dropReason).isEqualTo(DropReason.INFERENCE_FAILED);
        assertThat(failedFuture.detail).contains("bang");
    }

    @Test
    void theOperatorTimeoutSafetyNetAnswersInsteadOfFailingTheJob() throws Exception {
        Collected result = invoke(f -> new CompletableFuture<>(), 60_000_000);
        Collected timedOut = new Collected();
        function.timeout(new FrameEnvelope(), timedOut);
        assertThat(timedOut.single().dropReason).isEqualTo(DropReason.DEADLINE_EXCEEDED);
        assertThat(result.outcomes).isEmpty();
    }
}
