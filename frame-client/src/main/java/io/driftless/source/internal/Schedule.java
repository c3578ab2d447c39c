package io.driftless.source.internal;

import java.time.Duration;

/**
 * When each frame of a run is due. Slot {@code j} is frame {@code j / users + 1} of user
 * {@code j % users}, due {@code j / (users * fps)} seconds after the start: every user keeps its
 * own 1/fps rhythm, phase-shifted by {@code user / (users * fps)}, so the load is even rather
 * than a burst of all users at each frame tick. Exact integer arithmetic: no drift in long runs.
 */
public final class Schedule {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final int users;
    private final long slotsPerSecond;

    public Schedule(int users, int fps) {
        this.users = users;
        this.slotsPerSecond = (long) users * fps;
    }

    public int user(long slot) {
        return (int) (slot % users);
    }

    public long sequence(long slot) {
        return slot / users + 1;
    }

    /** When the slot is due, in nanoseconds after the start. */
    public long offsetNanos(long slot) {
        return slot / slotsPerSecond * NANOS_PER_SECOND
                + slot % slotsPerSecond * NANOS_PER_SECOND / slotsPerSecond;
    }

    /** How many slots fall within {@code duration}; unbounded when it is null. */
    public long slotsWithin(Duration duration) {
        if (duration == null) {
            return Long.MAX_VALUE;
        }
        long fraction = duration.getNano() * slotsPerSecond;
        return duration.getSeconds() * slotsPerSecond
                + (fraction + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
    }
}
