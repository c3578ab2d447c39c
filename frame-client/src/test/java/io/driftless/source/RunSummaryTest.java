package io.driftless.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftless.proto.DropReason;
import io.driftless.source.RunSummary.AngleErrors;
import io.driftless.source.RunSummary.Drift;
import io.driftless.source.RunSummary.PixelError;
import io.driftless.source.RunSummary.Latency;
import io.driftless.source.RunSummary.PoseError;
import io.driftless.source.RunSummary.Quantile;
import io.driftless.source.RunSummary.Second;
import io.driftless.source.RunSummary.Stage;
import io.driftless.source.RunSummary.Stages;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunSummaryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static RunSummary summary() {
        Map<String, Long> dropped = new LinkedHashMap<>();
        for (DropReason reason : DropReason.values()) {
            if (reason != DropReason.DROP_REASON_UNSPECIFIED && reason != DropReason.UNRECOGNIZED) {
                dropped.put(reason.name(), 0L);
            }
        }
        dropped.put("STALE", 7L);
        dropped.put("LATE_ON_ARRIVAL", 3L);
        return new RunSummary("rsum", 200, 30, 40.0, 240_000, 239_980, dropped, 10, 2, 0,
                239_000, new Latency(1.2, 4.5, 9.1, 20.3), new PoseError(1.1, 2.9),
                new AngleErrors(0.8, 0.6, 0.4), Map.of(),
                List.of(new Quantile(0.5, 1.2), new Quantile(1, 20.3)),
                new Drift(new PixelError(1.5, 3.25, 5.5), new PixelError(9.5, 20.25, 31.5),
                        238_000, 200, 237_000),
                fortySeconds(),
                new Stages(List.of(new Stage("Kafka and clients", 2.5, 9.25, 0.625),
                        new Stage("job to model", 0.5, 6.75, 0.25), new Stage("model", 0.25, 0.5, 0.0625),
                        new Stage("job to sink", 0.125, 2.5, 0.0625)), 239_980, 1_234));
    }

    /** 6,000 frames a second for 40 s, all on time but a thousand in the first second. */
    private static List<Second> fortySeconds() {
        List<Second> seconds = new ArrayList<>();
        seconds.add(new Second(6_000, 5_000));
        for (int s = 1; s < 40; s++) {
            seconds.add(new Second(6_000, 6_000));
        }
        return seconds;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void writesExactlyTheDocumentedJsonKeys() throws Exception {
        JsonNode json = JSON.readTree(summary().toJson());

        assertThat(fieldNames(json)).containsExactlyInAnyOrder("sent", "responses", "dropped",
                "unanswered", "rtt_ms", "on_time_ratio", "pose_error_deg", "duration_s",
                "duplicates", "late_responses", "pose_mae_deg", "users", "fps", "drift_px",
                "drift_px_uncompensated", "sent_by_second", "on_time_by_second", "stages_ms", "slow_frames");
        assertThat(fieldNames(json.get("stages_ms"))).containsExactly("kafka_and_clients", "job_to_model", "model",
                "job_to_sink");
        assertThat(fieldNames(json.get("stages_ms").get("model"))).containsExactlyInAnyOrder("p50", "p99",
                "share_of_slow");
        assertThat(json.get("stages_ms").get("job_to_model").get("p99").asDouble()).isEqualTo(6.75);
        assertThat(json.get("slow_frames").asLong()).isEqualTo(1_234);
        assertThat(fieldNames(json.get("drift_px"))).containsExactlyInAnyOrder("mean", "p95", "p99");
        assertThat(fieldNames(json.get("drift_px_uncompensated")))
                .containsExactlyInAnyOrder("mean", "p95", "p99");
        assertThat(fieldNames(json.get("rtt_ms")))
                .containsExactlyInAnyOrder("p50", "p99", "p999", "max");
        assertThat(fieldNames(json.get("pose_error_deg"))).containsExactlyInAnyOrder("mean", "p95");
        assertThat(fieldNames(json.get("pose_mae_deg")))
                .containsExactlyInAnyOrder("yaw", "pitch", "roll");
        assertThat(fieldNames(json.get("dropped"))).containsExactlyInAnyOrder("LATE_ON_ARRIVAL",
                "DEADLINE_EXCEEDED", "STALE", "INVALID", "INFERENCE_FAILED", "OVERLOADED");
    }

    @Test
    void writesNumbersThatAddUp() throws Exception {
        JsonNode json = JSON.readTree(summary().toJson());

        long dropped = 0;
        for (JsonNode n : json.get("dropped")) {
            dropped += n.asLong();
        }
        assertThat(json.get("sent").asLong())
                .isEqualTo(json.get("responses").asLong() + dropped + json.get("unanswered").asLong());
        assertThat(json.get("on_time_ratio").asDouble()).isEqualTo(239_000.0 / 240_000);
        assertThat(json.get("rtt_ms").get("p99").asDouble()).isEqualTo(4.5);
        assertThat(json.get("duration_s").asDouble()).isEqualTo(40.0);
        assertThat(json.get("users").asInt()).isEqualTo(200);
        assertThat(json.get("fps").asInt()).isEqualTo(30);
        assertThat(json.get("duplicates").asLong()).isEqualTo(2);
        assertThat(json.get("drift_px").get("p99").asDouble()).isEqualTo(5.5);
        assertThat(json.get("drift_px_uncompensated").get("mean").asDouble()).isEqualTo(9.5);
        assertThat(json.get("sent_by_second")).hasSize(40);
        assertThat(json.get("on_time_by_second").get(0).asLong()).isEqualTo(5_000);
        long onTime = 0;
        for (JsonNode n : json.get("on_time_by_second")) {
            onTime += n.asLong();
        }
        assertThat(onTime).isEqualTo(239_000);
    }

    @Test
    void writesUndefinedStatisticsAsNull() throws Exception {
        RunSummary empty = new RunSummary("rsum", 1, 30, 0, 0, 0, Map.of(), 0, 0, 0, 0,
                new Latency(Double.NaN, Double.NaN, Double.NaN, Double.NaN),
                new PoseError(Double.NaN, Double.NaN),
                new AngleErrors(Double.NaN, Double.NaN, Double.NaN), Map.of(), List.of(),
                Drift.UNDEFINED, List.of(), Stages.NONE);

        JsonNode json = JSON.readTree(empty.toJson());

        assertThat(json.get("rtt_ms").get("p50").isNull()).isTrue();
        assertThat(json.get("on_time_ratio").isNull()).isTrue();
        assertThat(json.get("pose_mae_deg").get("yaw").isNull()).isTrue();
        assertThat(json.get("drift_px").get("mean").isNull()).isTrue();
        assertThat(json.get("drift_px_uncompensated").get("p99").isNull()).isTrue();
    }

    @Test
    void givesTheOnTimeShareFromAnySecondOn() {
        assertThat(summary().onTimeRatioFrom(0)).isEqualTo(239_000.0 / 240_000);
        assertThat(summary().onTimeRatioFrom(1)).isEqualTo(1.0);
        assertThat(summary().onTimeRatioFrom(40)).isNaN();
    }

    @Test
    void givesDropCountsByReason() {
        assertThat(summary().dropped(DropReason.STALE)).isEqualTo(7);
        assertThat(summary().dropped(DropReason.OVERLOADED)).isZero();
        assertThat(summary().droppedTotal()).isEqualTo(10);
    }

    @Test
    void rendersAReadableTable() {
        String table = summary().toTable();

        assertThat(table).contains("frames sent", "240,000")
                .contains("responses", "239,980", "(99.99%)")
                .contains("STALE", "LATE_ON_ARRIVAL")
                .doesNotContain("OVERLOADED")
                .contains("p50 1.20  p99 4.50  p99.9 9.10  max 20.30")
                .contains("on time", "99.58%")
                .contains("yaw 0.80  pitch 0.60  roll 0.40")
                .contains("drift px", "mean 1.50  p95 3.25  p99 5.50")
                .contains("uncompensated", "mean 9.50  p95 20.25  p99 31.50")
                .contains("238,000 with overlay, 200 before any answer, 237,000 carried at the job's velocities")
                .contains("from the 5th second", "100.00%")
                .contains("by 5 s from start", "96.7 100.0 100.0 100.0 100.0 100.0 100.0 100.0 %")
                .contains("by stage p50 / p99", "Kafka and clients 2.50 / 9.25, job to model 0.50 / 6.75, model"
                        + " 0.25 / 0.50, job to sink 0.13 / 2.50")
                .contains("1,234 frames over half the budget: Kafka and clients 63%, job to model 25%, model 6%,"
                        + " job to sink 6%");
    }

    @Test
    void leavesDriftOutOfTheTableWhenNoFrameWasMeasured() {
        RunSummary camera = new RunSummary("cam", 1, 30, 1.0, 30, 30, Map.of(), 0, 0, 0, 30,
                new Latency(1.2, 4.5, 9.1, 20.3), new PoseError(Double.NaN, Double.NaN),
                new AngleErrors(Double.NaN, Double.NaN, Double.NaN), Map.of(), List.of(),
                Drift.UNDEFINED, List.of(), Stages.NONE);

        assertThat(camera.toTable()).doesNotContain("drift px", "frames shown");
    }
}
