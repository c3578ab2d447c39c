package io.driftless.inference.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.Inference;
import io.driftless.inference.InferenceStatus;
import io.driftless.inference.LatencyTracker;
import io.driftless.inference.MicroClock;
import io.driftless.inference.ModelAdapter;
import io.driftless.inference.NativeLibraries;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one ONNX model in-process with opportunistic micro-batching.
 *
 * <p>One worker thread owns the session. It takes the first waiting request in its
 * {@link QueueOrder} (arrival, or earliest deadline), adds the next ones already waiting (up to
 * the batch limit) and runs them as one model call: when the model is busy, requests pile up and run together; an
 * idle model never waits for a batch to fill. Before running, it skips requests that can no
 * longer finish before their deadline (expected run time from recent batches), so under
 * overload compute goes only to frames that can still make it; and it refuses at once a
 * request that the batches already waiting would make late. Every future completes exactly
 * once, never exceptionally.
 */
public final class OnnxBatchRunner<I, O> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxBatchRunner.class);

    /**
     * How long a model may go without a run before its estimate stops trusting the run times it
     * has: long next to the gap between batches of a stream of frames, short next to their 5-s
     * horizon, so that a cold start's first slow runs hold frames off the model for a quarter of a
     * second at most rather than until they expire (see {@link LatencyTracker}).
     */
    public static final long SILENCE_MICROS = 250_000;

    private final ModelAdapter<I, O> adapter;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final MicroClock clock;
    private final RunnerOptions options;
    private final DeadlineQueue<Pending<I, O>> queue;
    private final BatchListener listener;
    private final LatencyTracker runTime;
    private final LatencyTracker typicalRunTime;
    private final Thread worker;
    private volatile boolean running = true;
    private volatile boolean busy;

    /**
     * Loads the model and warms it up with {@code warmUp} (a typical input) before serving, so
     * the first frames do not pay for lazy initialisation.
     */
    public OnnxBatchRunner(byte[] model, ModelAdapter<I, O> adapter, RunnerOptions options, MicroClock clock, I warmUp)
            throws OrtException {
        this(model, adapter, options, clock, warmUp, QueueOrder.ARRIVAL, BatchListener.NONE);
    }

    /**
     * As above, serving waiting requests in {@code order}, and telling {@code listener} about
     * every batch served (not the warm-up).
     */
    public OnnxBatchRunner(
            byte[] model, ModelAdapter<I, O> adapter, RunnerOptions options, MicroClock clock, I warmUp,
            QueueOrder order, BatchListener listener) throws OrtException {
        this.adapter = adapter;
        this.listener = listener;
        this.options = options;
        this.clock = clock;
        long start = System.nanoTime();
        this.env = environment();
        long loaded = System.nanoTime();
        try (OrtSession.SessionOptions sessionOptions = options.sessionOptions()) {
            this.session = env.createSession(model, sessionOptions);
        }
        long created = System.nanoTime();
        this.queue = new DeadlineQueue<>(options.queueCapacity(), order, p -> p.deadlineMicros);
        this.runTime = new LatencyTracker(256, 0.95, options.initialLatencyMicros(), 5_000_000, SILENCE_MICROS, clock);
        this.typicalRunTime = new LatencyTracker(256, 0.5, options.initialLatencyMicros(), 5_000_000, SILENCE_MICROS,
                clock);
        try {
            warmUp(warmUp);
        } catch (OrtException | RuntimeException e) {
            session.close();
            throw e;
        }
        long warm = System.nanoTime();
        // what a (re)started job waits for before it serves: the figure to look at after a failover
        LOG.info("model {} ready in {} ms: ONNX Runtime {} ms, session {} ms, warm-up {} ms",
                adapter.modelName(), millis(warm - start), millis(loaded - start), millis(created - loaded),
                millis(warm - created));
        this.worker = new Thread(this::work, "onnx-" + adapter.modelName());
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * ONNX Runtime's one environment. Its JVM shutdown hook is a thread that inherits the caller's
     * context classloader: made on a Flink task thread it would hold that job's classloader even
     * where ONNX Runtime is shared from a TaskManager's lib/, so it gets ONNX Runtime's own.
     * Whoever opens a session of its own (to inspect a model) gets the environment here too.
     */
    public static OrtEnvironment environment() {
        NativeLibraries.onnxRuntimeInUse();
        Thread current = Thread.currentThread();
        ClassLoader context = current.getContextClassLoader();
        current.setContextClassLoader(OrtEnvironment.class.getClassLoader());
        try {
            return OrtEnvironment.getEnvironment();
        } finally {
            current.setContextClassLoader(context);
        }
    }

    /**
     * Queues one request, if it can still finish in time. The future completes with the result;
     * with EXPIRED when the request cannot finish by {@code deadlineMicros} (job clock) even on
     * an idle model, or could not once it waited; with OVERLOADED, at once, when it could on an
     * idle model but not behind the requests already waiting, or when the queue is full; with
     * FAILED when the model throws.
     *
     * <p>Refusing at the door what the queue would make late is what keeps an overloaded
     * runner useful: a request queued into lateness costs compute and still misses, and it
     * makes the requests behind it late too.
     */
    public CompletableFuture<Inference<O>> submit(I input, long deadlineMicros) {
        Pending<I, O> pending = new Pending<>(input, deadlineMicros);
        long remaining = deadlineMicros - clock.nowMicros();
        long run = runTime.micros();
        long expected = expectedLatencyMicros();
        if (!running) {
            pending.future.complete(Inference.notRun(InferenceStatus.FAILED, "model runner is closed"));
        } else if (remaining < run) {
            pending.future.complete(Inference.notRun(InferenceStatus.EXPIRED,
                    "cannot finish in time: " + remaining + " us left, model needs ~" + run + " us"));
        } else if (remaining < expected) {
            // counts every request waiting as ahead of this one, which in deadline order
            // overstates the wait of the most urgent: a refusal too many rather than a late answer
            pending.future.complete(Inference.notRun(InferenceStatus.OVERLOADED,
                    "cannot finish in time behind the queue: " + remaining + " us left, ~"
                            + expected + " us expected with " + queue.size() + " waiting"));
        } else if (!queue.offer(pending)) {
            pending.future.complete(Inference.notRun(
                    InferenceStatus.OVERLOADED,
                    "inference queue full (" + options.queueCapacity() + " waiting)"));
        } else if (!running && queue.remove(pending)) {
            // closed between the check and the offer, after the worker's last drain
            pending.future.complete(Inference.notRun(InferenceStatus.FAILED, "model runner is closed"));
        }
        return pending.future;
    }

    /**
     * What a request submitted now should expect to wait for its result: its own batch at a high
     * percentile of recent run times, and the running batch and those the requests waiting ahead
     * of it make at the median. A slow run is rare, so a sum of high percentiles overstates a
     * wait behind several batches: on two cores it refused a face detector's frames that would
     * have made their deadline. Read from the live queue, so it falls the moment a backlog clears.
     */
    public long expectedLatencyMicros() {
        int waiting = queue.size();
        int batches = (waiting + options.maxBatchSize()) / options.maxBatchSize() + (busy ? 1 : 0);
        return runTime.micros() + typicalRunTime.micros() * (batches - 1);
    }

    /** How many requests wait for the model now. */
    public int queueSize() {
        return queue.size();
    }

    /** A high percentile of recent model-call durations alone, in microseconds. */
    public long expectedRunMicros() {
        return runTime.micros();
    }

    public String modelName() {
        return adapter.modelName();
    }

    private void work() {
        try {
            serve();
        } finally {
            running = false;
            failAll("model runner is closed");
            // the worker owns the session: closing it while a call runs would free native memory in use
            try {
                session.close();
            } catch (OrtException e) {
                LOG.warn("closing the session of model {} failed: {}", adapter.modelName(), e.toString());
            }
        }
    }

    private void serve() {
        List<Pending<I, O>> drained = new ArrayList<>(options.maxBatchSize());
        List<Pending<I, O>> batch = new ArrayList<>(options.maxBatchSize());
        List<I> inputs = new ArrayList<>(options.maxBatchSize());
        while (running) {
            try {
                Pending<I, O> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                drained.add(first);
                long now = clock.nowMicros();
                long expectedRun = runTime.micros();
                // the first come (or the most urgent) are the likeliest to be past saving:
                // keep draining until the batch is full of requests that can still make it
                do {
                    for (Pending<I, O> p : drained) {
                        long remaining = p.deadlineMicros - now;
                        if (remaining < expectedRun) {
                            p.future.complete(Inference.notRun(
                                    InferenceStatus.EXPIRED,
                                    "expired while waiting: " + remaining + " us left, model needs ~"
                                            + expectedRun + " us"));
                        } else {
                            batch.add(p);
                            inputs.add(p.input);
                        }
                    }
                    drained.clear();
                } while (batch.size() < options.maxBatchSize()
                        && queue.drainTo(drained, options.maxBatchSize() - batch.size()) > 0);
                if (!batch.isEmpty()) {
                    runBatch(batch, inputs);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                drained.clear();
                batch.clear();
                inputs.clear();
            }
        }
    }

    private void warmUp(I input) throws OrtException {
        for (int size : new int[] {1, options.maxBatchSize()}) {
            List<I> batch = java.util.Collections.nCopies(size, input);
            for (int i = 0; i < 10; i++) {
                call(batch);
            }
        }
    }

    private void runBatch(List<Pending<I, O>> batch, List<I> inputs) {
        busy = true;
        try {
            runBatchNow(batch, inputs);
        } finally {
            busy = false;
        }
    }

    private void runBatchNow(List<Pending<I, O>> batch, List<I> inputs) {
        long start = clock.nowMicros();
        List<O> results;
        try {
            results = call(inputs);
            if (results.size() != inputs.size()) {
                throw new IllegalStateException("adapter " + adapter.modelName() + " returned "
                        + results.size() + " results for " + inputs.size() + " inputs");
            }
        } catch (Throwable e) {
            // an error (out of direct memory included) fails every request of the batch, never the runner
            LOG.warn("model {} failed on a batch of {}: {}", adapter.modelName(), batch.size(), e.toString());
            String detail = "model " + adapter.modelName() + " failed: " + e;
            for (Pending<I, O> p : batch) {
                p.future.complete(Inference.notRun(InferenceStatus.FAILED, detail));
            }
            return;
        }
        long end = clock.nowMicros();
        // told before the results go out, so whoever gets a result sees its batch counted
        listener.batchRan(batch.size(), end - start);
        for (int i = 0; i < batch.size(); i++) {
            Pending<I, O> p = batch.get(i);
            p.future.complete(Inference.ok(results.get(i), start, end, batch.size()));
        }
        // the next batch waits until this one's results are handed over too (completing a future
        // runs what waits on it here, unless that asked for another executor, as the server does),
        // so that time belongs in what the queue expects
        long took = clock.nowMicros() - start;
        runTime.record(took);
        typicalRunTime.record(took);
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** One model call: the batch encoded, run and decoded, its tensors freed. */
    private List<O> call(List<I> inputs) throws OrtException {
        Map<String, OnnxTensor> tensors = adapter.encode(env, inputs);
        try (OrtSession.Result out = session.run(tensors)) {
            return adapter.decode(out, inputs);
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    private void failAll(String detail) {
        Pending<I, O> p;
        while ((p = queue.poll()) != null) {
            p.future.complete(Inference.notRun(InferenceStatus.FAILED, detail));
        }
    }

    /** Stops taking requests, fails those still waiting, and lets the running batch finish. */
    @Override
    public synchronized void close() {
        running = false;
        worker.interrupt();
        try {
            worker.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            LOG.warn("model {} is still running a batch; its session closes when the batch ends", adapter.modelName());
        }
        failAll("model runner is closed");
    }

    private static final class Pending<I, O> {
        final I input;
        final long deadlineMicros;
        final CompletableFuture<Inference<O>> future = new CompletableFuture<>();

        Pending(I input, long deadlineMicros) {
            this.input = input;
            this.deadlineMicros = deadlineMicros;
        }
    }
}
