package io.driftless.inference.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.Serializable;

/**
 * How a model runs in-process. Build it by name, starting from {@link #DEFAULTS}:
 *
 * <pre>{@code
 * RunnerOptions options = RunnerOptions.builder()
 *         .maxBatchSize(8)
 *         .queueCapacity(64)
 *         .build();
 * }</pre>
 *
 * @param maxBatchSize the most requests one model call takes
 * @param queueCapacity the most requests waiting; beyond it requests are refused as OVERLOADED
 * @param intraOpThreads ONNX Runtime threads inside one model call (1 suits small models
 *     best: parallelism comes from batching)
 * @param initialLatencyMicros the latency estimate before the first run is measured
 */
public record RunnerOptions(
        int maxBatchSize, int queueCapacity, int intraOpThreads, long initialLatencyMicros)
        implements Serializable {

    public static final RunnerOptions DEFAULTS = new RunnerOptions(64, 1024, 1, 2_000);

    public RunnerOptions {
        checkMaxBatchSize(maxBatchSize);
        if (queueCapacity < maxBatchSize) {
            throw new IllegalArgumentException(
                    "queueCapacity (" + queueCapacity + ") must be at least maxBatchSize (" + maxBatchSize + ")");
        }
        checkIntraOpThreads(intraOpThreads);
        checkInitialLatencyMicros(initialLatencyMicros);
    }

    /** A builder that starts from {@link #DEFAULTS}. */
    public static Builder builder() {
        return DEFAULTS.toBuilder();
    }

    /** A builder that starts from these options, e.g. to cap one of them. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * ONNX Runtime's session options for these: {@link #intraOpThreads}, one inter-op thread,
     * every graph optimisation. What a runner opens its model with, and so what a measurement of
     * the bare model opens it with too. The caller closes them.
     */
    public OrtSession.SessionOptions sessionOptions() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    private static int checkMaxBatchSize(int maxBatchSize) {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be at least 1, got " + maxBatchSize);
        }
        return maxBatchSize;
    }

    private static int checkIntraOpThreads(int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be at least 1, got " + intraOpThreads);
        }
        return intraOpThreads;
    }

    private static long checkInitialLatencyMicros(long initialLatencyMicros) {
        if (initialLatencyMicros < 0) {
            throw new IllegalArgumentException(
                    "initialLatencyMicros must not be negative, got " + initialLatencyMicros);
        }
        return initialLatencyMicros;
    }

    /**
     * Builds {@link RunnerOptions}; each setter checks its own argument, and {@link #build()}
     * checks that the queue holds at least one full batch, since the two may be set in either order.
     */
    public static final class Builder {
        private int maxBatchSize;
        private int queueCapacity;
        private int intraOpThreads;
        private long initialLatencyMicros;

        private Builder(RunnerOptions start) {
            this.maxBatchSize = start.maxBatchSize;
            this.queueCapacity = start.queueCapacity;
            this.intraOpThreads = start.intraOpThreads;
            this.initialLatencyMicros = start.initialLatencyMicros;
        }

        public Builder maxBatchSize(int maxBatchSize) {
            this.maxBatchSize = checkMaxBatchSize(maxBatchSize);
            return this;
        }

        /** Must be at least {@link #maxBatchSize(int)}; checked by {@link #build()}. */
        public Builder queueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
            return this;
        }

        public Builder intraOpThreads(int intraOpThreads) {
            this.intraOpThreads = checkIntraOpThreads(intraOpThreads);
            return this;
        }

        public Builder initialLatencyMicros(long initialLatencyMicros) {
            this.initialLatencyMicros = checkInitialLatencyMicros(initialLatencyMicros);
            return this;
        }

        public RunnerOptions build() {
            return new RunnerOptions(maxBatchSize, queueCapacity, intraOpThreads, initialLatencyMicros);
        }
    }
}
