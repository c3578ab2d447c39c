package io.driftless.inference.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.Inference;
import io.driftless.inference.InferenceStatus;
import io.driftless.inference.MicroClock;
import io.driftless.inference.ModelAdapter;
import io.driftless.inference.onnx.proto.Onnx.TensorProto.DataType;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OnnxBatchRunnerTest {

    private static final long FAR = Long.MAX_VALUE / 2;

    /** y = 2x on rows of two floats, a real ONNX model run by ONNX Runtime. */
    private static final byte[] DOUBLER = OnnxModelBuilder.forGraph("doubler")
            .input("x", DataType.FLOAT, OnnxModelBuilder.BATCH, 2)
            .initializer("two", new float[] {2f}, 1)
            .node("Mul", List.of("x", "two"), List.of("y"))
            .output("y", DataType.FLOAT, OnnxModelBuilder.BATCH, 2)
            .toByteArray();

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final MicroClock clock = now::get;
    private OnnxBatchRunner<float[], float[]> runner;

    @AfterEach
    void close() throws Exception {
        runner.close();
    }

    /** Doubles rows; can hold its first batch until the test lets go, and can be made to fail. */
    static final class Doubler implements ModelAdapter<float[], float[]> {
        final CountDownLatch firstBatchEntered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean holdFirst;
        /** A batch with a row starting with this value waits for {@link #release} too. */
        volatile float holdOn = Float.NaN;
        /** How long each batch takes on {@link #clock}, in order; a batch takes no time once it is empty. */
        final java.util.Queue<Long> runMicros = new java.util.concurrent.ConcurrentLinkedQueue<>();
        volatile AtomicLong clock;
        volatile boolean failOnNegative;
        final List<Integer> batchSizes = new ArrayList<>();
        /** The first value of every row served after warm-up, in the order the model saw them. */
        final List<Float> firstValues = new ArrayList<>();
        volatile boolean warm;

        @Override
        public String modelName() {
            return "doubler";
        }

        @Override
        public Map<String, OnnxTensor> encode(OrtEnvironment env, List<float[]> batch) throws OrtException {
            synchronized (batchSizes) {
                batchSizes.add(batch.size());
                if (warm) {
                    batch.forEach(row -> firstValues.add(row[0]));
                }
            }
            float held = holdOn;
            if ((holdFirst && warm && firstBatchEntered.getCount() > 0)
                    || batch.stream().anyMatch(row -> row[0] == held)) {
                firstBatchEntered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Long took = warm ? runMicros.poll() : null;
            if (took != null) {
                clock.addAndGet(took);
            }
            if (failOnNegative && batch.stream().anyMatch(r -> r[0] < 0)) {
                throw new IllegalStateException("negative input");
            }
            FloatBuffer data = FloatBuffer.allocate(batch.size() * 2);
            batch.forEach(data::put);
            data.flip();
            return Map.of("x", OnnxTensor.createTensor(env, data, new long[] {batch.size(), 2}));
        }

        @Override
        public List<float[]> decode(OrtSession.Result outputs, List<float[]> batch) throws OrtException {
            float[][] y = (float[][]) outputs.get(0).getValue();
            return List.of(y);
        }
    }

    private OnnxBatchRunner<float[], float[]> start(Doubler adapter, RunnerOptions options) throws OrtException {
        runner = new OnnxBatchRunner<>(DOUBLER, adapter, options, clock, new float[] {1, 1});
        synchronized (adapter.batchSizes) {
            adapter.batchSizes.clear();
            adapter.warm = true;
        }
        return runner;
    }

    @Test
    void answersEachRequestWithItsOwnResult() throws Exception {
        start(new Doubler(), RunnerOptions.DEFAULTS);
        List<CompletableFuture<Inference<float[]>>> futures = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            futures.add(runner.submit(new float[] {i + 1, -(i + 1)}, FAR));
        }
        for (int i = 0; i < 100; i++) {
            Inference<float[]> result = futures.get(i).get(10, TimeUnit.SECONDS);
            assertThat(result.status()).isEqualTo(InferenceStatus.OK);
            assertThat(result.result()).containsExactly(2f * (i + 1), -2f * (i + 1));
            assertThat(result.batchSize()).isBetween(1, 64);
        }
    }

    @Test
    void runsWhatPiledUpWhileTheModelWasBusyAsOneBatchAndNeverWaitsWhenIdle() throws Exception {
        Doubler adapter = new Doubler();
        adapter.holdFirst = true;
        start(adapter, RunnerOptions.DEFAULTS);

        CompletableFuture<Inference<float[]>> first = runner.submit(new float[] {1, 1}, FAR);
        assertThat(adapter.firstBatchEntered.await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<Inference<float[]>>> waiting = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            waiting.add(runner.submit(new float[] {i, i}, FAR));
        }
        adapter.release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS).batchSize()).isEqualTo(1);
        for (CompletableFuture<Inference<float[]>> f : waiting) {
            assertThat(f.get(10, TimeUnit.SECONDS).batchSize()).isEqualTo(10);
        }
        assertThat(adapter.batchSizes).containsExactly(1, 10);
    }

    @Test
    void skipsRequestsThatCanNoLongerMakeTheirDeadline() throws Exception {
        Doubler adapter = new Doubler();
        start(adapter, RunnerOptions.DEFAULTS);

        Inference<float[]> late = runner.submit(new float[] {1, 1}, now.get() - 1).get(10, TimeUnit.SECONDS);
        Inference<float[]> onTime = runner.submit(new float[] {3, 3}, FAR).get(10, TimeUnit.SECONDS);

        assertThat(late.status()).isEqualTo(InferenceStatus.EXPIRED);
        assertThat(late.detail()).startsWith("cannot finish in time");
        assertThat(onTime.result()).containsExactly(6f, 6f);
        assertThat(adapter.batchSizes).containsExactly(1);
    }

    @Test
    void refusesRequestsBeyondTheQueueCapacityAsOverloaded() throws Exception {
        Doubler adapter = new Doubler();
        adapter.holdFirst = true;
        start(adapter, RunnerOptions.builder().maxBatchSize(4).queueCapacity(4).initialLatencyMicros(1_000).build());

        CompletableFuture<Inference<float[]>> running = runner.submit(new float[] {0, 0}, FAR);
        assertThat(adapter.firstBatchEntered.await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<Inference<float[]>>> queued = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            queued.add(runner.submit(new float[] {i, i}, FAR));
        }
        Inference<float[]> refused = runner.submit(new float[] {9, 9}, FAR).get(1, TimeUnit.SECONDS);
        adapter.release.countDown();

        assertThat(refused.status()).isEqualTo(InferenceStatus.OVERLOADED);
        assertThat(refused.detail()).isEqualTo("inference queue full (4 waiting)");
        assertThat(running.get(10, TimeUnit.SECONDS).isOk()).isTrue();
        for (CompletableFuture<Inference<float[]>> f : queued) {
            assertThat(f.get(10, TimeUnit.SECONDS).isOk()).isTrue();
        }
    }

    @Test
    void runsTheMostUrgentWaitingRequestsFirstAndSkipsThoseThatCannotMakeIt() throws Exception {
        Doubler adapter = new Doubler();
        adapter.holdFirst = true;
        RunnerOptions options =
                RunnerOptions.builder().maxBatchSize(2).queueCapacity(64).initialLatencyMicros(1_000).build();
        runner = new OnnxBatchRunner<>(DOUBLER, adapter, options, clock, new float[] {1, 1},
                QueueOrder.EARLIEST_DEADLINE, BatchListener.NONE);
        synchronized (adapter.batchSizes) {
            adapter.batchSizes.clear();
            adapter.warm = true;
        }
        CompletableFuture<Inference<float[]>> running = runner.submit(new float[] {0, 0}, FAR);
        assertThat(adapter.firstBatchEntered.await(10, TimeUnit.SECONDS)).isTrue();

        // queued in the order 3, 1, 4, 2 by deadline; one already past saving
        long base = now.get() + 10_000_000;
        Map<Float, CompletableFuture<Inference<float[]>>> byValue = new java.util.LinkedHashMap<>();
        byValue.put(3f, runner.submit(new float[] {3, 0}, base + 3_000));
        byValue.put(1f, runner.submit(new float[] {1, 0}, base + 1_000));
        byValue.put(9f, runner.submit(new float[] {9, 0}, now.get() - 1));
        byValue.put(4f, runner.submit(new float[] {4, 0}, base + 4_000));
        byValue.put(2f, runner.submit(new float[] {2, 0}, base + 2_000));
        adapter.release.countDown();

        assertThat(running.get(10, TimeUnit.SECONDS).isOk()).isTrue();
        assertThat(byValue.get(9f).get(10, TimeUnit.SECONDS).status()).isEqualTo(InferenceStatus.EXPIRED);
        Inference<float[]> first = byValue.get(1f).get(10, TimeUnit.SECONDS);
        Inference<float[]> last = byValue.get(4f).get(10, TimeUnit.SECONDS);
        // the past-saving request does not take a place in the first batch: 1 and 2 run together
        assertThat(byValue.get(2f).get(10, TimeUnit.SECONDS).startMicros()).isEqualTo(first.startMicros());
        assertThat(adapter.firstValues).containsExactly(0f, 1f, 2f, 3f, 4f);
        assertThat(adapter.batchSizes).containsExactly(1, 2, 2);
        assertThat(last.result()).containsExactly(8f, 0f);
    }

    @Test
    void servesInArrivalOrderByDefaultSoASessionsFramesFinishInTheOrderTheyCame() throws Exception {
        Doubler adapter = new Doubler();
        adapter.holdFirst = true;
        start(adapter, RunnerOptions.builder().maxBatchSize(2).queueCapacity(64).initialLatencyMicros(1_000).build());
        CompletableFuture<Inference<float[]>> running = runner.submit(new float[] {0, 0}, FAR);
        assertThat(adapter.firstBatchEntered.await(10, TimeUnit.SECONDS)).isTrue();

        long base = now.get() + 10_000_000;
        List<CompletableFuture<Inference<float[]>>> waiting = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            // a later frame may carry an earlier deadline when the clock-offset estimate moved
            waiting.add(runner.submit(new float[] {i, 0}, base - i * 1_000));
        }
        adapter.release.countDown();

        assertThat(running.get(10, TimeUnit.SECONDS).isOk()).isTrue();
        for (CompletableFuture<Inference<float[]>> f : waiting) {
            assertThat(f.get(10, TimeUnit.SECONDS).isOk()).isTrue();
        }
        assertThat(adapter.firstValues).containsExactly(0f, 1f, 2f, 3f);
    }

    @Test
    void tellsItsListenerAboutEveryBatchItServes() throws Exception {
        List<Integer> sizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch told = new CountDownLatch(3);
        runner = new OnnxBatchRunner<>(DOUBLER, new Doubler(), RunnerOptions.DEFAULTS, clock, new float[] {1, 1},
                QueueOrder.ARRIVAL, (size, runMicros) -> {
                    sizes.add(size);
                    told.countDown();
                });
        for (int i = 0; i < 3; i++) {
            runner.submit(new float[] {i, i}, FAR).get(10, TimeUnit.SECONDS);
        }
        // the listener hears of a batch after its requests are answered
        assertThat(told.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sizes).containsExactly(1, 1, 1);
    }

    @Test
    void aFailingBatchFailsEachOfItsRequestsAndTheRunnerServesOn() throws Exception {
        Doubler adapter = new Doubler();
        adapter.failOnNegative = true;
        start(adapter, RunnerOptions.DEFAULTS);

        Inference<float[]> failed = runner.submit(new float[] {-1, 0}, FAR).get(10, TimeUnit.SECONDS);
        Inference<float[]> next = runner.submit(new float[] {4, 0}, FAR).get(10, TimeUnit.SECONDS);

        assertThat(failed.status()).isEqualTo(InferenceStatus.FAILED);
        assertThat(failed.detail()).contains("negative input");
        assertThat(next.result()).containsExactly(8f, 0f);
    }

    @Test
    void learnsTheModelsLatencyFromItsRuns() throws Exception {
        start(new Doubler(), RunnerOptions.builder().initialLatencyMicros(50_000).build());
        assertThat(runner.expectedLatencyMicros()).isEqualTo(50_000);

        // the manual clock does not move: every measured run takes 0 us
        for (int i = 0; i < 50; i++) {
            runner.submit(new float[] {i, i}, FAR).get(10, TimeUnit.SECONDS);
        }
        assertThat(runner.expectedLatencyMicros()).isZero();
    }

    @Test
    void expectsToWaitForTheBatchesQueuedAheadOfANewRequest() throws Exception {
        Doubler adapter = new Doubler();
        adapter.holdFirst = true;
        start(adapter, RunnerOptions.builder().maxBatchSize(4).queueCapacity(64).initialLatencyMicros(1_000).build());
        long oneRun = runner.expectedRunMicros();
        assertThat(runner.expectedLatencyMicros()).isEqualTo(oneRun);

        runner.submit(new float[] {0, 0}, FAR);
        assertThat(adapter.firstBatchEntered.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 5; i++) {
            runner.submit(new float[] {i, i}, FAR);
        }
        // the running batch, then the four at the head, then the fifth with the new one
        assertThat(runner.expectedLatencyMicros()).isEqualTo(3 * oneRun);
        adapter.release.countDown();
    }

    @Test
    void countsTheBatchesAheadAtTheMedianRunAndItsOwnAtTheSlowOne() throws Exception {
        Doubler adapter = new Doubler();
        adapter.clock = now;
        start(adapter, RunnerOptions.builder().maxBatchSize(1).queueCapacity(64).initialLatencyMicros(1_000).build());
        // one run in ten is slow, as a model sharing two cores with the rest of a pipeline runs
        for (int i = 0; i < 20; i++) {
            adapter.runMicros.add(i % 10 == 0 ? 10_000L : 1_000L);
        }
        for (int i = 0; i < 20; i++) {
            assertThat(runner.submit(new float[] {i, i}, FAR).get(10, TimeUnit.SECONDS).isOk()).isTrue();
        }
        assertThat(runner.expectedRunMicros()).isEqualTo(10_000);

        adapter.holdOn = 100;
        runner.submit(new float[] {100, 0}, FAR);
        assertThat(adapter.firstBatchEntered.await(10, TimeUnit.SECONDS)).isTrue();
        runner.submit(new float[] {1, 1}, FAR);
        runner.submit(new float[] {2, 2}, FAR);
        // the running batch and the two waiting at the median run, the new request's own at the
        // 95th percentile: 40 ms if each counted at the slow run, which rarely comes twice in a row
        assertThat(runner.expectedLatencyMicros()).isEqualTo(10_000 + 3 * 1_000);
        adapter.release.countDown();
    }

    @Test
    void refusesAtOnceWhatTheQueueWouldMakeLateAndWhatNoQueueCouldSave() throws Exception {
        Doubler adapter = new Doubler();
        adapter.holdFirst = true;
        // one request per batch, 1 ms a batch until a run is measured
        start(adapter, RunnerOptions.builder().maxBatchSize(1).queueCapacity(64).initialLatencyMicros(1_000).build());
        CompletableFuture<Inference<float[]>> running = runner.submit(new float[] {0, 0}, FAR);
        assertThat(adapter.firstBatchEntered.await(10, TimeUnit.SECONDS)).isTrue();

        // behind the running batch: 2 ms to its result, and 2.5 ms left
        CompletableFuture<Inference<float[]>> fits = runner.submit(new float[] {1, 1}, now.get() + 2_500);
        // behind the running batch and the one waiting: 3 ms, which its 2.5 ms cannot wait for
        Inference<float[]> overloaded = runner.submit(new float[] {2, 2}, now.get() + 2_500).get(1, TimeUnit.SECONDS);
        // less than one run left: no queue could save it
        Inference<float[]> hopeless = runner.submit(new float[] {3, 3}, now.get() + 500).get(1, TimeUnit.SECONDS);
        adapter.release.countDown();

        assertThat(overloaded.status()).isEqualTo(InferenceStatus.OVERLOADED);
        assertThat(overloaded.detail())
                .isEqualTo("cannot finish in time behind the queue: 2500 us left, ~3000 us expected with 1 waiting");
        assertThat(hopeless.status()).isEqualTo(InferenceStatus.EXPIRED);
        assertThat(hopeless.detail()).isEqualTo("cannot finish in time: 500 us left, model needs ~1000 us");
        assertThat(running.get(10, TimeUnit.SECONDS).isOk()).isTrue();
        assertThat(fits.get(10, TimeUnit.SECONDS).result()).containsExactly(2f, 2f);
        assertThat(adapter.firstValues).containsExactly(0f, 1f);
    }

    @Test
    void closingFailsWhatIsStillWaiting() throws Exception {
        Doubler adapter = new Doubler();
        adapter.holdFirst = true;
        start(adapter, RunnerOptions.DEFAULTS);
        runner.submit(new float[] {0, 0}, FAR);
        assertThat(adapter.firstBatchEntered.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Inference<float[]>> waiting = runner.submit(new float[] {1, 1}, FAR);

        adapter.release.countDown();
        runner.close();

        Inference<float[]> result = waiting.get(10, TimeUnit.SECONDS);
        assertThat(result.status()).isIn(InferenceStatus.OK, InferenceStatus.FAILED);
        assertThat(runner.submit(new float[] {2, 2}, FAR).get(1, TimeUnit.SECONDS).status())
                .isEqualTo(InferenceStatus.FAILED);
    }
}
