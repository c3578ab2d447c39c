package io.driftless.inference.image;

import io.driftless.inference.Inference;
import io.driftless.inference.LatencyTracker;
import io.driftless.inference.MicroClock;
import io.driftless.inference.onnx.OnnxBatchRunner;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * What a frame handed to an image analyzer now should expect to wait for its result: its own
 * service time (from the start of its decode to its result, the median of recent frames) plus its
 * share of the frames already in the path, whose work the image threads split between them. The
 * count is live, so the estimate rises with a backlog and falls the moment it clears.
 *
 * <p>A high percentile of whole waits, queues included, was the estimate before. It lags a backlog
 * by its window, and a JPEG frame's service time varies so much that its 95th percentile sat above
 * the budget left on arrival even on an idle path: the admission gate then shed most frames that
 * would have made it, and a path that runs no frames never learns that it is fast again. Six
 * 30 fps streams left the CPU two-thirds idle while three quarters of the frames were shed.
 */
final class ImagePathLatency {

    private final LatencyTracker service;
    private final AtomicInteger inPath = new AtomicInteger();
    private final int threads;

    /**
     * @param threads the analyzer's image threads
     * @param initialMicros the service time to assume before any frame has been served
     */
    ImagePathLatency(int threads, long initialMicros, MicroClock clock) {
        this.threads = threads;
        this.service = new LatencyTracker(256, 0.5, initialMicros, 5_000_000, OnnxBatchRunner.SILENCE_MICROS, clock);
    }

    /**
     * Takes a frame into the path if {@code submit} hands it to an image thread. Counted before the
     * hand-off, so that a frame served at once never leaves the count below zero.
     *
     * @return false, and the frame not counted, when {@code submit} refused it
     */
    boolean enter(BooleanSupplier submit) {
        inPath.incrementAndGet();
        if (submit.getAsBoolean()) {
            return true;
        }
        inPath.decrementAndGet();
        return false;
    }

    /**
     * A frame that {@link #enter}ed left the path with {@code outcome}: a result counts its service
     * time (its start to its end); a frame without one (expired, refused, failed) just leaves.
     */
    void left(Inference<?> outcome) {
        if (outcome != null && outcome.isOk()) {
            service.record(outcome.endMicros() - outcome.startMicros());
        }
        inPath.decrementAndGet();
    }

    /** Frames in the path now, from queued for decoding to encoded. */
    int inPath() {
        return inPath.get();
    }

    /** The expected wait, in microseconds, of a frame entering now. */
    long expectedMicros() {
        long own = service.micros();
        return own + own * inPath.get() / threads;
    }
}
