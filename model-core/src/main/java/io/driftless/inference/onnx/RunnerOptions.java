package io.driftless.inference.onnx;

import java.io.Serializable;

/**
 * How a model runs in-process.
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
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be at least 1, got " + maxBatchSize);
        }
        if (queueCapacity < maxBatchSize) {
            throw new IllegalArgumentException(
                    "queueCapacity (" + queueCapacity + ") must be at least maxBatchSize (" + maxBatchSize + ")");
        }
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be at least 1, got " + intraOpThreads);
        }
        if (initialLatencyMicros < 0) {
            throw new IllegalArgumentException(
                    "initialLatencyMicros must not be negative, got " + initialLatencyMicros);
        }
    }
}
