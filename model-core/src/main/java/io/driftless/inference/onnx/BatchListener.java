package io.driftless.inference.onnx;

/** Told about every model call a runner makes, on the runner's thread: keep it quick. */
@FunctionalInterface
public interface BatchListener {

    BatchListener NONE = (size, runMicros) -> {};

    /** A batch of {@code size} requests ran in {@code runMicros}. */
    void batchRan(int size, long runMicros);
}
