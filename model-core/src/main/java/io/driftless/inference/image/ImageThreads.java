package io.driftless.inference.image;

import io.driftless.inference.Inference;
import io.driftless.inference.InferenceStatus;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An image analyzer's threads for decoding, annotating and encoding, with a bounded queue: on
 * a Flink task thread that work would hold up every other frame of the subtask, on a model's
 * runner thread it would hold up the model. Beyond the queue a frame is refused as OVERLOADED.
 */
final class ImageThreads implements AutoCloseable {

    private final ThreadPoolExecutor pool;

    /**
     * @param threads 1 to 64
     * @param queueCapacity tasks waiting beyond the running ones
     * @param namePrefix the threads' names before their number, e.g. {@code jpeg-}
     */
    ImageThreads(int threads, int queueCapacity, String namePrefix) {
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("imageThreads must be 1 to 64, got " + threads);
        }
        AtomicInteger count = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity), task -> {
                    Thread thread = new Thread(task, namePrefix + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** @return false when the queue is full (or the threads are closed) */
    boolean submit(Runnable task) {
        try {
            pool.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Tasks waiting for a thread now. */
    int queueSize() {
        return pool.getQueue().size();
    }

    /** What a frame refused by {@link #submit} gets. */
    <T> Inference<T> queueFull() {
        return Inference.notRun(InferenceStatus.OVERLOADED, "image queue full (" + queueSize()
                + " frames waiting to be decoded or encoded)");
    }

    /** Stops taking tasks and waits up to 5 s for the queued and running ones. */
    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
