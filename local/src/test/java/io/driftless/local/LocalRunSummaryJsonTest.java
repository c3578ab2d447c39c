package io.driftless.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftless.source.RunSummary;
import io.driftless.source.RunSummary.AngleErrors;
import io.driftless.source.RunSummary.Drift;
import io.driftless.source.RunSummary.Latency;
import io.driftless.source.RunSummary.PoseError;
import io.driftless.source.RunSummary.Second;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalRunSummaryJsonTest {

    private static RunSummary summary(int users, long sent, long onTime) {
        return new RunSummary("run", users, 30, 1.0, sent, onTime, Map.of(), sent - onTime, 0, 0, onTime,
                new Latency(5, 20, 30, 40), new PoseError(1, 2), new AngleErrors(1, 1, 1), Map.of(), List.of(),
                Drift.UNDEFINED, List.of(new Second(sent, onTime)), RunSummary.Stages.NONE);
    }

    @Test
    void nestsTheJpegUsersSummaryUnderItsOwnKey() throws Exception {
        JsonNode json = new ObjectMapper().readTree(LocalRun.summaryJson(summary(40, 1_200, 1_190), summary(3, 30, 27), null));

        assertThat(json.path("users").asInt()).isEqualTo(40);
        assertThat(json.path("sent").asLong()).isEqualTo(1_200);
        assertThat(json.path("jpeg_users").path("users").asInt()).isEqualTo(3);
        assertThat(json.path("jpeg_users").path("on_time_by_second").get(0).asLong()).isEqualTo(27);
    }

    @Test
    void writesTheLandmarkUsersAloneWithoutJpegUsers() throws Exception {
        JsonNode json = new ObjectMapper().readTree(LocalRun.summaryJson(summary(40, 1_200, 1_190), null, null));

        assertThat(json.has("jpeg_users")).isFalse();
        assertThat(json.has("pre_roll")).isFalse();
        assertThat(json.path("on_time_ratio").asDouble()).isEqualTo(1_190 / 1_200.0);
    }

    @Test
    void saysHowThePreRollEnded() throws Exception {
        JsonNode json = new ObjectMapper().readTree(LocalRun.summaryJson(summary(40, 1_200, 1_190), null,
                new PreRoll.Outcome(57, true, 0.991, Double.NaN)));

        assertThat(json.path("pre_roll").path("seconds").asLong()).isEqualTo(57);
        assertThat(json.path("pre_roll").path("warm").asBoolean()).isTrue();
        assertThat(json.path("pre_roll").path("on_time_ratio").asDouble()).isEqualTo(0.991);
        assertThat(json.path("pre_roll").has("jpeg_on_time_ratio")).isFalse();
        assertThat(json.path("sent").asLong()).isEqualTo(1_200);
    }
}
