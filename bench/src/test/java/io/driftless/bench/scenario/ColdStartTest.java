package io.driftless.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.bench.cold.ColdLocalRun;
import io.driftless.bench.cold.ColdLocalRun.Seconds;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ColdStartTest {

    /** 40 s at 100 frames a second: nothing on time for 4 s, half in the 5th, then all. */
    private static Seconds warmingUp() {
        long[] sent = new long[40];
        long[] onTime = new long[40];
        Arrays.fill(sent, 100);
        Arrays.fill(onTime, 5, 40, 100);
        onTime[4] = 50;
        return new Seconds(sent, onTime);
    }

    @Test
    void judgesFromTheGivenSecondAgainstTheRunsOwnLastTenSeconds() {
        ColdStart.Judged judged = ColdStart.judge("200 users, landmark frames", warmingUp(), 4);

        assertThat(judged.row()).containsExactly("200 users, landmark frames", "4,000", "88.75%", "5th s",
                "98.61%", "100.00%", "0.99×", "10.00%", "100.00%", "100.00%", "100.00%");
        assertThat(judged.headline().figure())
                .isEqualTo("on time from the 5th second of a cold start: 200 users, landmark frames");
        assertThat(judged.headline().ratio()).isEqualTo("0.99×");
    }

    @Test
    void plotsEverySecondOnTime() {
        ColdStart.Judged judged = ColdStart.judge("cold", warmingUp(), 9);

        assertThat(judged.series().x()).hasSize(40).startsWith(1, 2, 3);
        assertThat(judged.series().y()).startsWith(0, 0, 0, 0, 50, 100);
        assertThat(judged.row()).contains("10th s");
    }

    @Test
    void readsTheBooksOfTheRunsSummary() throws Exception {
        ColdLocalRun.Result result = ColdLocalRun.resultOf(
                "{\"sent\": 300, \"sent_by_second\": [100, 100, 100], \"on_time_by_second\": [0, 90, 100],"
                        + " \"jpeg_users\": {\"sent_by_second\": [10], \"on_time_by_second\": [9]}}");
        Seconds s = result.landmarks();

        assertThat(s.onTimeRatio(0, 3)).isEqualTo(190 / 300.0);
        assertThat(s.frames()).isEqualTo(300);
        assertThat(result.jpeg().onTimeRatio(0, 1)).isEqualTo(0.9);
        assertThat(result.preRollSeconds()).as("no pre-roll").isEqualTo(-1);
    }

    @Test
    void readsHowLongThePreRollStreamed() throws Exception {
        ColdLocalRun.Result result = ColdLocalRun.resultOf(
                "{\"sent_by_second\": [100], \"on_time_by_second\": [100], \"pre_roll\": {\"seconds\": 57, \"warm\": true}}");

        assertThat(result.preRollSeconds()).isEqualTo(57);
        assertThat(result.preRollWarm()).isTrue();
        assertThat(result.jpeg()).isNull();
    }
}
