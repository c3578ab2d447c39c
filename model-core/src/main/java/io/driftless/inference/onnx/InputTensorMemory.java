package io.driftless.inference.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * The direct memory an adapter packs its input tensor into, kept from one batch to the next.
 * A fresh direct buffer per batch costs more than filling it: the new mapping is zeroed and
 * faulted in page by page (a 640 x 640 YOLO input, 4.9 MB, took 28 ms a batch that way against
 * 2.5 ms with the memory kept, in micro-benchmarks' ImageModelAdapterBenchmark), and it is returned only when a GC runs its cleaner.
 *
 * <p>The memory is kept for the thread that asked last: one runner's worker encodes its batches
 * one after another and closes each batch's tensors before it encodes the next, which is the
 * contract of {@code ModelAdapter.encode}. A call from another thread gets fresh memory, so an
 * adapter shared between threads stays correct, only without the saving.
 */
public final class InputTensorMemory {

    private long ownerThreadId = -1;
    private FloatBuffer buffer;

    /**
     * A direct, native-order buffer of {@code floats} floats at position 0, whose content is
     * whatever the last batch left: the caller writes every element.
     */
    public synchronized FloatBuffer take(int floats) {
        long thread = Thread.currentThread().getId();
        if (buffer == null || ownerThreadId != thread || buffer.capacity() < floats) {
            buffer = ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            ownerThreadId = thread;
        }
        buffer.clear().limit(floats);
        return buffer;
    }
}
