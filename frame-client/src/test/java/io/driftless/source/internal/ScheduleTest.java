package io.driftless.source.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void givesEachUserItsOwnPhaseShiftedFrameRhythm() {
        Schedule schedule = new Schedule(4, 10);

        assertThat(schedule.user(0)).isZero();
        assertThat(schedule.user(5)).isEqualTo(1);
        assertThat(schedule.sequence(5)).isEqualTo(2);
        // 40 slots per second: one every 25 ms, each user every 100 ms.
        assertThat(schedule.offsetNanos(1)).isEqualTo(25_000_000L);
        assertThat(schedule.offsetNanos(5) - schedule.offsetNanos(1)).isEqualTo(100_000_000L);
    }

    @Test
    void keepsExactTimeOverLongRuns() {
        Schedule schedule = new Schedule(200, 30);
        long day = 200L * 30 * 86_400;

        assertThat(schedule.offsetNanos(day)).isEqualTo(86_400_000_000_000L);
        assertThat(schedule.offsetNanos(day + 1)).isEqualTo(86_400_000_000_000L + 166_666);
    }

    @Test
    void fitsEveryUsersFramesIntoTheDuration() {
        Schedule schedule = new Schedule(200, 30);

        assertThat(schedule.slotsWithin(Duration.ofSeconds(40))).isEqualTo(240_000);
        assertThat(schedule.slotsWithin(Duration.ofMillis(500))).isEqualTo(3_000);
        assertThat(schedule.slotsWithin(null)).isEqualTo(Long.MAX_VALUE);
    }
}
