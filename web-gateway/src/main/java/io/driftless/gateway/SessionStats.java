package io.driftless.gateway;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * What one session's stats endpoint reports, as this instance saw it: frames in and out, round
 * trips from the gateway's receipt of a frame to the answer going out, drops by reason (the
 * job's and the gateway's own refusals), the quality the page last reported and the quality the
 * gateway last asked for. Each event is passed on to the instance's metrics, so a frame is counted
 * in one call. Thread-safe.
 */
final class SessionStats {

    /** The window fps are measured over. */
    private static final long FPS_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final GatewayMetrics metrics;
    private final Histogram rttMicros = new Histogram(TimeUnit.SECONDS.toMicros(60), 2);
    private final ArrayDeque<Long> inTimes = new ArrayDeque<>();
    private final ArrayDeque<Long> outTimes = new ArrayDeque<>();
    private final Map<String, Long> dropsByReason = new TreeMap<>();
    private long received;
    private long answered;
    private long dropped;
    private long refused;
    private Quality quality = Quality.UNKNOWN;
    private AdaptiveQuality.Setting asked;

    /** The capture settings the page says it uses. */
    record Quality(double fps, double jpegQuality, int width, int height) {
        static final Quality UNKNOWN = new Quality(0, 0, 0, 0);
    }

    /** A read-out, for the stats endpoint. */
    record Snapshot(long received, long answered, long dropped, long refused, double fpsIn, double fpsOut,
            double rttP50Ms, double rttP95Ms, double onTimeRatio, Map<String, Long> dropsByReason, Quality quality,
            AdaptiveQuality.Setting asked) {
        /** The read-out of a session this instance has not seen. */
        static final Snapshot NONE = new Snapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), Quality.UNKNOWN, null);
    }

    SessionStats(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    synchronized void received(long nowNanos, Quality reported) {
        received++;
        metrics.received();
        inTimes.addLast(nowNanos);
        trim(inTimes, nowNanos);
        if (reported != null) {
            quality = reported;
        }
    }

    synchronized void answered(long nowNanos, long rttNanos) {
        answered++;
        metrics.answered(rttNanos);
        outTimes.addLast(nowNanos);
        trim(outTimes, nowNanos);
        rttMicros.recordValue(Math.min(rttMicros.getHighestTrackableValue(), Math.max(0, rttNanos / 1000)));
    }

    /** The capture settings the gateway last asked the camera for. */
    synchronized void asked(AdaptiveQuality.Setting setting) {
        asked = setting;
    }

    /** A frame the job dropped, by its reason. */
    synchronized void dropped(String reason) {
        dropped++;
        metrics.dropped(reason);
        dropsByReason.merge(reason, 1L, Long::sum);
    }

    /** A frame the gateway refused before it reached Kafka. */
    synchronized void refused(String reason) {
        refused++;
        metrics.refused(reason);
        dropsByReason.merge("GATEWAY_" + reason, 1L, Long::sum);
    }

    synchronized Snapshot snapshot(long nowNanos) {
        trim(inTimes, nowNanos);
        trim(outTimes, nowNanos);
        long decided = answered + dropped;
        return new Snapshot(received, answered, dropped, refused, inTimes.size(), outTimes.size(),
                rttMicros.getTotalCount() == 0 ? 0 : rttMicros.getValueAtPercentile(50) / 1000.0,
                rttMicros.getTotalCount() == 0 ? 0 : rttMicros.getValueAtPercentile(95) / 1000.0,
                // the job drops every frame that misses its deadline, so an answer is an on-time frame
                decided == 0 ? 0 : (double) answered / decided,
                new TreeMap<>(dropsByReason), quality, asked);
    }

    private static void trim(ArrayDeque<Long> times, long nowNanos) {
        while (!times.isEmpty() && nowNanos - times.peekFirst() > FPS_WINDOW_NANOS) {
            times.removeFirst();
        }
    }
}
