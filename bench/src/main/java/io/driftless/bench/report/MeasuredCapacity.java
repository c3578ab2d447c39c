package io.driftless.bench.report;

/**
 * The capacity scenario's answer, as report.json's {@code capacity} object, for other commands
 * to build on (the soak runs at a share of it): the most users at the plan's frame rate that
 * met the targets.
 *
 * @param users the most users that met the targets; 0 when not even the smallest size did
 * @param fps the frame rate of each user
 * @param framesPerS {@code users × fps}
 * @param bracketed false when the search ran out of steps or hit its limits before a passing
 *     and a failing size lay next to each other: the figure is then a lower bound
 */
public record MeasuredCapacity(int users, int fps, double framesPerS, boolean bracketed) {

    public static MeasuredCapacity of(int users, int fps, boolean bracketed) {
        return new MeasuredCapacity(users, fps, (double) users * fps, bracketed);
    }
}
