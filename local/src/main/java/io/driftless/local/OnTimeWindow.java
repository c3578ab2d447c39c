package io.driftless.local;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The share of frames answered on time over the last few seconds, from counters read once a
 * second, against a bar: the pre-roll's test of whether the system is warm.
 */
final class OnTimeWindow {

    private record Second(long settled, long onTime) {}

    private final int seconds;
    private final double bar;
    private final Deque<Second> last = new ArrayDeque<>();
    private long settled;
    private long onTime;

    /**
     * @param seconds how many of the latest seconds count
     * @param bar the on-time share they must reach together, in (0, 1]
     */
    OnTimeWindow(int seconds, double bar) {
        if (seconds < 1 || !(bar > 0 && bar <= 1)) {
            throw new IllegalArgumentException("need at least one second and a bar in (0, 1], got " + seconds
                    + " and " + bar);
        }
        this.seconds = seconds;
        this.bar = bar;
    }

    /** Takes the counters at the end of a second: frames settled (answered or dropped) and answered on time so far. */
    void add(long settledSoFar, long onTimeSoFar) {
        last.addLast(new Second(settledSoFar - settled, onTimeSoFar - onTime));
        settled = settledSoFar;
        onTime = onTimeSoFar;
        if (last.size() > seconds) {
            last.removeFirst();
        }
    }

    /** The on-time share over the window so far; NaN before any frame settled. */
    double onTimeRatio() {
        long s = 0;
        long o = 0;
        for (Second second : last) {
            s += second.settled();
            o += second.onTime();
        }
        return s == 0 ? Double.NaN : (double) o / s;
    }

    /**
     * True once the window is full, every second in it settled frames (a system that answers
     * nothing is not warm), and together they reach the bar.
     */
    boolean meetsBar() {
        return last.size() == seconds && last.stream().allMatch(second -> second.settled() > 0)
                && onTimeRatio() >= bar;
    }
}
