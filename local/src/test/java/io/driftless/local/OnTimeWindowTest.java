package io.driftless.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OnTimeWindowTest {

    @Test
    void meetsTheBarOnceItsWholeWindowDoesTogether() {
        OnTimeWindow window = new OnTimeWindow(3, 0.99);
        window.add(100, 100);
        window.add(200, 200);
        assertThat(window.meetsBar()).as("two seconds of three").isFalse();

        window.add(300, 300);
        assertThat(window.meetsBar()).isTrue();
        assertThat(window.onTimeRatio()).isEqualTo(1.0);
    }

    @Test
    void countsOnlyItsLastSeconds() {
        OnTimeWindow window = new OnTimeWindow(2, 0.99);
        window.add(1_000, 0);
        window.add(2_000, 1_000);
        assertThat(window.meetsBar()).isFalse();
        assertThat(window.onTimeRatio()).isEqualTo(0.5);

        // the cold second falls out of the window: 1,000 of 1,000 and 995 of 1,000
        window.add(3_000, 1_995);
        assertThat(window.onTimeRatio()).isEqualTo(1_995 / 2_000.0);
        assertThat(window.meetsBar()).isTrue();
    }

    @Test
    void aSecondWithoutAnswersIsNotWarm() {
        OnTimeWindow window = new OnTimeWindow(3, 0.5);
        window.add(100, 100);
        window.add(100, 100);
        window.add(200, 200);

        assertThat(window.onTimeRatio()).isEqualTo(1.0);
        assertThat(window.meetsBar()).as("a system that settled nothing for a second").isFalse();
    }

    @Test
    void aLateSecondInTheWindowKeepsItUnderTheBar() {
        OnTimeWindow window = new OnTimeWindow(3, 0.99);
        window.add(1_000, 1_000);
        window.add(2_000, 1_950);
        window.add(3_000, 2_950);

        assertThat(window.onTimeRatio()).isEqualTo(2_950 / 3_000.0);
        assertThat(window.meetsBar()).isFalse();
    }

    @Test
    void refusesAnEmptyWindowOrABarOutsideZeroToOne() {
        assertThatThrownBy(() -> new OnTimeWindow(0, 0.99)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnTimeWindow(5, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnTimeWindow(5, 1.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hasNoShareBeforeAnyFrameSettled() {
        assertThat(new OnTimeWindow(5, 0.99).onTimeRatio()).isNaN();
    }
}
