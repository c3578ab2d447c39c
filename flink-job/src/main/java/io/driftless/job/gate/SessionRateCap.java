package io.driftless.job.gate;

import java.io.Serializable;

/**
 * How many frames per second one session may send to inference: a token bucket that fills at
 * {@code maxFps} and holds at most {@code burst} frames. A session at its nominal rate never
 * meets the cap; one that floods the job has its excess dropped before inference, so it spends
 * its own share of the model's time and not its neighbours'.
 *
 * @param maxFps the rate the bucket fills at, frames per second
 * @param burst the most frames the bucket holds: what a session may send at once after a
 *     quieter spell (frames Kafka delivers together, say) before the rate applies
 */
public record SessionRateCap(int maxFps, int burst) implements Serializable {

    /** Bucket contents are counted in millionths of a frame, so a microsecond refills {@code maxFps}. */
    static final long FRAME = 1_000_000L;

    public SessionRateCap {
        if (maxFps < 1) {
            throw new IllegalArgumentException("maxFps must be at least 1, got " + maxFps);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1, got " + burst);
        }
    }

    long capacity() {
        return burst * FRAME;
    }
}
