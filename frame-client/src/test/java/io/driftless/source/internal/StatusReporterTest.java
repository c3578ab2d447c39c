package io.driftless.source.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatusReporterTest {

    @Test
    void printsTheDocumentedStatusLine() {
        assertThat(StatusReporter.line(12, 7_200, 600, 7_180, 12, 8, 1.2, 4.5, 0.997))
                .isEqualTo("[  12s] sent 7,200 (600/s)  answered 7,180  dropped 12  in flight 8"
                        + "  rtt p50 1.2 ms p99 4.5 ms  on time 99.7%");
    }

    @Test
    void printsDashesBeforeAnythingWasAnswered() {
        assertThat(StatusReporter.line(0, 0, 0, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN))
                .isEqualTo("[   0s] sent 0 (0/s)  answered 0  dropped 0  in flight 0"
                        + "  rtt p50 - p99 -  on time -");
    }
}
