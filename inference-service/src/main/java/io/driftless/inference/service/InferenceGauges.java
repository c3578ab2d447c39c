package io.driftless.inference.service;

import java.util.function.LongSupplier;

/**
 * Where a {@link FrameInference} backend reports its own gauges. The caller decides what a gauge
 * becomes (in the Flink job, a gauge in the operator's metric group), so that backends know no
 * metrics system.
 */
@FunctionalInterface
public interface InferenceGauges {

    /** Reports {@code value} as the gauge {@code name}, labelled with the {@code model} it is of. */
    void gauge(String model, String name, LongSupplier value);
}
