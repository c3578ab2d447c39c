package io.driftless.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftless.inference.pose.HeadPose;
import io.driftless.proto.DropReason;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one {@link SyntheticRun} saw. Every frame sent ends as exactly one of: a response, a drop,
 * or unanswered ({@code sent == responses + droppedTotal() + unanswered}); answers after the
 * first for the same (session, sequence) count as duplicates only.
 *
 * <p>Latencies are client round trips (receive minus send, client clock) of the first response
 * per frame. A frame is on time when its response arrived within its deadline counted from its
 * capture; {@link #onTimeRatio()} divides by every frame sent, since a drop or a missing answer
 * is a frame the user never saw. Undefined statistics (nothing to measure) are NaN, and null in
 * JSON.
 *
 * @param runId the prefix of this run's session ids
 * @param users simulated users
 * @param fps frames per second per user
 * @param durationS how long frames were sent, in seconds
 * @param sent frames sent
 * @param responses frames answered with coordinates (first answer only)
 * @param dropped frames the job dropped, by reason name (every reason present, zero or not)
 * @param unanswered frames with no answer by the end of the drain
 * @param duplicates answers after the first for the same frame
 * @param lateResponses responses whose own timing says the job emitted them past their deadline
 * @param onTime responses received within their frame's deadline
 * @param rttMs round-trip percentiles in milliseconds
 * @param poseErrorDeg rotation error against the true pose, in degrees
 * @param poseMaeDeg mean absolute error per angle, in degrees
 * @param poses per session id, every (sequence, truth, returned) triple in arrival order when
 *     the run recorded them ({@link SyntheticConfig.Builder#recordPoses}), else empty
 * @param rttDistribution the round trips' distribution at quantiles closer together towards the
 *     tail (HdrHistogram's percentile iteration, five steps per halving of what is left), the last
 *     one the maximum; empty when nothing was answered
 * @param drift how far the overlay was drawn from the face on the frames shown, with and without
 *     carrying answers forward to the shown frame; undefined when the true pose is unknown
 * @param bySecond frames sent and answered on time per second of capture, from the first frame's:
 *     how the run warmed up
 * @param stages where the answered frames' round trips went, by the job's stamps
 */
public record RunSummary(
        String runId,
        int users,
        int fps,
        double durationS,
        long sent,
        long responses,
        Map<String, Long> dropped,
        long unanswered,
        long duplicates,
        long lateResponses,
        long onTime,
        Latency rttMs,
        PoseError poseErrorDeg,
        AngleErrors poseMaeDeg,
        Map<String, List<PoseSample>> poses,
        List<Quantile> rttDistribution,
        Drift drift,
        List<Second> bySecond,
        Stages stages) {

    /** Seconds a cold start is given before its frames count: "from the 5th second". */
    private static final int FIRST_SECONDS_SKIPPED = 4;
    private static final int BLOCK_S = 5;
    private static final int WARMING_UP_SHOWN_S = 60;

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public RunSummary {
        dropped = Collections.unmodifiableMap(new LinkedHashMap<>(dropped));
        Map<String, List<PoseSample>> copy = new LinkedHashMap<>();
        poses.forEach((session, samples) -> copy.put(session, List.copyOf(samples)));
        poses = Collections.unmodifiableMap(copy);
        rttDistribution = List.copyOf(rttDistribution);
        bySecond = List.copyOf(bySecond);
    }

    /** The frames captured in one second of the run, and how many of them were answered on time. */
    public record Second(long sent, long onTime) {}

    /** A share {@code fraction} (0 to 1) of the answered frames took at most {@code ms}. */
    public record Quantile(double fraction, double ms) {}

    /** Round-trip percentiles in milliseconds; NaN when nothing was answered. */
    public record Latency(double p50, double p99, double p999, double max) {}

    /** Rotation error in degrees: mean and 95th percentile; NaN without responses. */
    public record PoseError(double mean, double p95) {}

    /** Mean absolute error per angle in degrees; NaN without responses. */
    public record AngleErrors(double yaw, double pitch, double roll) {}

    /** Pixel distances: mean, 95th and 99th percentile; NaN when nothing was measured. */
    public record PixelError(double mean, double p95, double p99) {
        public static final PixelError UNDEFINED = new PixelError(Double.NaN, Double.NaN, Double.NaN);
    }

    /**
     * Drift on the frames shown, over every AR anchor of every frame shown with an overlay: the
     * overlay carried forward to the shown frame's capture instant ({@code compensated}) and as
     * answered ({@code uncompensated}).
     *
     * @param frames frames shown with an overlay
     * @param framesWithoutOverlay frames shown before any answer had arrived
     * @param framesAtJobVelocities frames shown with an overlay carried forward at the anchor
     *     velocities the job sent (the others' answers came without them)
     */
    public record Drift(PixelError compensated, PixelError uncompensated, long frames,
            long framesWithoutOverlay, long framesAtJobVelocities) {
        /** No drift measured: the true pose is not known. */
        public static final Drift UNDEFINED =
                new Drift(PixelError.UNDEFINED, PixelError.UNDEFINED, 0, 0, 0);
    }

    /**
     * One stage of the round trip: its time at p50 and p99 in ms, and its share of the slow
     * frames' time (NaN when no frame was slow).
     */
    public record Stage(String name, double p50Ms, double p99Ms, double shareOfSlow) {}

    /**
     * The round trips stage by stage, over the answered frames whose answers carried the job's
     * stamps.
     *
     * @param frames frames booked by stage
     * @param slowFrames of those, the ones whose round trip took more than half their budget
     */
    public record Stages(List<Stage> stages, long frames, long slowFrames) {
        /** No answer carried the job's stamps. */
        public static final Stages NONE = new Stages(List.of(), 0, 0);

        public Stages {
            stages = List.copyOf(stages);
        }
    }

    /** One answered frame of one session: what was true and what came back. */
    public record PoseSample(long sequence, HeadPose truth, HeadPose returned) {}

    /** Every drop, whatever its reason. */
    public long droppedTotal() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Drops with this reason. */
    public long dropped(DropReason reason) {
        return dropped.getOrDefault(reason.name(), 0L);
    }

    /** On-time responses over frames sent; NaN when nothing was sent. */
    public double onTimeRatio() {
        return sent == 0 ? Double.NaN : (double) onTime / sent;
    }

    /**
     * On-time responses over frames sent, of the frames captured from second {@code second} of the
     * run on (0 is the first); NaN when none were.
     */
    public double onTimeRatioFrom(int second) {
        long from = 0;
        long answered = 0;
        for (int s = second; s < bySecond.size(); s++) {
            from += bySecond.get(s).sent();
            answered += bySecond.get(s).onTime();
        }
        return from == 0 ? Double.NaN : (double) answered / from;
    }

    /** The recorded poses of one session; empty when none were recorded. */
    public List<PoseSample> posesOf(String sessionId) {
        return poses.getOrDefault(sessionId, List.of());
    }

    /** The summary as pretty-printed JSON, with the documented keys and no others. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("sent", sent);
        root.put("responses", responses);
        ObjectNode drops = root.putObject("dropped");
        dropped.forEach(drops::put);
        root.put("unanswered", unanswered);
        ObjectNode rtt = root.putObject("rtt_ms");
        number(rtt, "p50", rttMs.p50());
        number(rtt, "p99", rttMs.p99());
        number(rtt, "p999", rttMs.p999());
        number(rtt, "max", rttMs.max());
        number(root, "on_time_ratio", onTimeRatio());
        ObjectNode pose = root.putObject("pose_error_deg");
        number(pose, "mean", poseErrorDeg.mean());
        number(pose, "p95", poseErrorDeg.p95());
        number(root, "duration_s", durationS);
        root.put("duplicates", duplicates);
        root.put("late_responses", lateResponses);
        ObjectNode mae = root.putObject("pose_mae_deg");
        number(mae, "yaw", poseMaeDeg.yaw());
        number(mae, "pitch", poseMaeDeg.pitch());
        number(mae, "roll", poseMaeDeg.roll());
        root.put("users", users);
        root.put("fps", fps);
        pixels(root.putObject("drift_px"), drift.compensated());
        pixels(root.putObject("drift_px_uncompensated"), drift.uncompensated());
        ObjectNode stageNode = root.putObject("stages_ms");
        for (Stage stage : stages.stages()) {
            ObjectNode one = stageNode.putObject(stage.name().toLowerCase(Locale.ROOT).replace(' ', '_'));
            number(one, "p50", stage.p50Ms());
            number(one, "p99", stage.p99Ms());
            number(one, "share_of_slow", stage.shareOfSlow());
        }
        root.put("slow_frames", stages.slowFrames());
        ArrayNode sentBySecond = root.putArray("sent_by_second");
        ArrayNode onTimeBySecond = root.putArray("on_time_by_second");
        for (Second s : bySecond) {
            sentBySecond.add(s.sent());
            onTimeBySecond.add(s.onTime());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A readable multi-line table of the same numbers, for a terminal. */
    public String toTable() {
        StringBuilder t = new StringBuilder();
        row(t, "run", String.format(Locale.ROOT, "%s  %,d users x %d fps  %.1f s",
                runId, users, fps, durationS));
        row(t, "frames sent", count(sent));
        row(t, "  responses", count(responses) + share(responses));
        row(t, "  dropped", count(droppedTotal()) + share(droppedTotal()));
        dropped.forEach((reason, n) -> {
            if (n > 0) {
                row(t, "    " + reason, count(n));
            }
        });
        row(t, "  unanswered", count(unanswered) + share(unanswered));
        row(t, "duplicates", count(duplicates));
        row(t, "late responses", count(lateResponses));
        row(t, "on time", percent(onTimeRatio()));
        if (bySecond.size() > FIRST_SECONDS_SKIPPED) {
            row(t, "  from the 5th second", percent(onTimeRatioFrom(FIRST_SECONDS_SKIPPED)));
            row(t, "  by 5 s from start", warmingUp());
        }
        row(t, "round trip ms", String.format(Locale.ROOT, "p50 %s  p99 %s  p99.9 %s  max %s",
                decimal(rttMs.p50()), decimal(rttMs.p99()), decimal(rttMs.p999()),
                decimal(rttMs.max())));
        if (!stages.stages().isEmpty()) {
            row(t, "  by stage p50 / p99", stages.stages().stream()
                    .map(st -> st.name() + " " + decimal(st.p50Ms()) + " / " + decimal(st.p99Ms()))
                    .collect(Collectors.joining(", ")));
            if (stages.slowFrames() > 0) {
                row(t, "  slow frames' time", String.format(Locale.ROOT, "%s frames over half the budget: ",
                        count(stages.slowFrames())) + stages.stages().stream()
                        .map(st -> st.name() + " " + String.format(Locale.ROOT, "%.0f%%", 100 * st.shareOfSlow()))
                        .collect(Collectors.joining(", ")));
            }
        }
        row(t, "pose error deg", String.format(Locale.ROOT, "mean %s  p95 %s",
                decimal(poseErrorDeg.mean()), decimal(poseErrorDeg.p95())));
        row(t, "pose MAE deg", String.format(Locale.ROOT, "yaw %s  pitch %s  roll %s",
                decimal(poseMaeDeg.yaw()), decimal(poseMaeDeg.pitch()), decimal(poseMaeDeg.roll())));
        // A camera's true pose is unknown: no drift rows rather than rows of dashes.
        if (drift.frames() + drift.framesWithoutOverlay() > 0) {
            row(t, "drift px", pixels(drift.compensated()));
            row(t, "  uncompensated", pixels(drift.uncompensated()));
            row(t, "  frames shown", count(drift.frames()) + " with overlay, "
                    + count(drift.framesWithoutOverlay()) + " before any answer, "
                    + count(drift.framesAtJobVelocities()) + " carried at the job's velocities");
        }
        return t.toString();
    }

    /** The first blocks of five seconds, each's on-time share: how fast the run got going. */
    private String warmingUp() {
        StringBuilder blocks = new StringBuilder();
        for (int from = 0; from < Math.min(bySecond.size(), WARMING_UP_SHOWN_S); from += BLOCK_S) {
            long sentIn = 0;
            long onTimeIn = 0;
            for (int s = from; s < Math.min(from + BLOCK_S, bySecond.size()); s++) {
                sentIn += bySecond.get(s).sent();
                onTimeIn += bySecond.get(s).onTime();
            }
            blocks.append(blocks.length() == 0 ? "" : " ")
                    .append(sentIn == 0 ? "-" : String.format(Locale.ROOT, "%.1f", 100.0 * onTimeIn / sentIn));
        }
        return blocks.append(" %").toString();
    }

    private static String percent(double ratio) {
        return Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * ratio);
    }

    private static String pixels(PixelError e) {
        return String.format(Locale.ROOT, "mean %s  p95 %s  p99 %s", decimal(e.mean()),
                decimal(e.p95()), decimal(e.p99()));
    }

    private static void pixels(ObjectNode node, PixelError e) {
        number(node, "mean", e.mean());
        number(node, "p95", e.p95());
        number(node, "p99", e.p99());
    }

    private String share(long n) {
        return sent == 0 ? "" : String.format(Locale.ROOT, "  (%.2f%%)", 100.0 * n / sent);
    }

    private static void row(StringBuilder t, String label, String value) {
        t.append(String.format(Locale.ROOT, "%-22s %s%n", label, value));
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String decimal(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static void number(ObjectNode node, String key, double value) {
        if (Double.isNaN(value)) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }
}
