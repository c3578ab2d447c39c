package io.driftless.inference.image;

import io.driftless.inference.Inference;
import io.driftless.inference.LatencyTracker;
import io.driftless.inference.MicroClock;
import io.driftless.inference.onnx.OnnxBatchRunner;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * What a frame handed to an image analyzer now should expect to wait for its result: its own work
 * (the time the stages spend on a frame: decoding, the model's run, drawing and encoding; the
 * median of recent frames) plus its share of the frames already in the path, whose work the image
 * threads split between them. The count is live, so the estimate rises with a backlog and falls
 * the moment it clears.
 *
 * <p>A frame's whole service time, from the start of its decode to its result, was the own share
 * until 2026-12-08. It includes the waits between the stages, the queueing the frames ahead
 * already account for, so a busy path counted that queueing twice and its gate shed frames that
 * would have made it. Before 2026-12-07 the estimate was a high percentile of whole waits, queues
 * included. It lagged a backlog by its window, and a JPEG frame's time varies so much that its
 * 95th percentile sat above the budget left on arrival even on an idle path: six 30 fps streams
 * left the CPU two-thirds idle while three quarters of the frames were shed.
 */
final class ImagePathLatency {

    private final LatencyTracker work;
    private final AtomicInteger inPath = new AtomicInteger();
    private final int threads;

    /**
     * @param threads the analyzer's image threads
     * @param initialMicros the work to assume before any frame has been served
     */
    ImagePathLatency(int threads, long initialMicros, MicroClock clock) {
        this.threads = threads;
        this.work = new LatencyTracker(256, 0.5, initialMicros, 5_000_000, OnnxBatchRunner.SILENCE_MICROS, clock);
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
     * A frame that {@link #enter}ed left the path with {@code outcome}: a result counts the time
     * the stages worked on it, {@code frameWork}; a frame without one (expired, refused, failed) just
     * leaves.
     */
    void left(Inference<?> outcome, WorkTime frameWork) {
        if (outcome != null && outcome.isOk()) {
            work.record(frameWork.micros());
        }
        inPath.decrementAndGet();
    }

    /** Frames in the path now, from queued for decoding to encoded. */
    int inPath() {
        return inPath.get();
    }

    /** The expected wait, in microseconds, of a frame entering now. */
    long expectedMicros() {
        long own = work.micros();
        return own + own * inPath.get() / threads;
    }
}
