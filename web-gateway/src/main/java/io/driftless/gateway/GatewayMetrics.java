package io.driftless.gateway;

import io.driftless.proto.DropReason;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.IntSupplier;

/**
 * One gateway instance's Prometheus metrics, all named {@code driftless_gateway_*}. Each instance
 * has its own registry, so two gateways in one JVM (a test, the local run) never mix their numbers.
 * Frames count as the sessions' stats count them: every frame in ends answered, dropped by the job
 * (by its reason) or refused by the gateway (by the gateway's reason).
 */
final class GatewayMetrics {

    /** Round trips from a few milliseconds to a second, with the 33 ms deadline a bound of its own. */
    private static final double[] ROUND_TRIP_BUCKETS = {
        0.005, 0.01, 0.015, 0.02, 0.025, 0.033, 0.05, 0.075, 0.1, 0.25, 0.5, 1
    };
    /** The refusals a gateway makes; these and the job's drop reasons show at 0 before they happen. */
    static final String[] REFUSALS = {"RATE", "KAFKA", "METADATA"};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter sessionsCreated;
    private final Counter received;
    private final Counter answered;
    private final Counter dropped;
    private final Counter refused;
    private final Counter socketsRefused;
    private final Histogram roundTrip;

    GatewayMetrics(IntSupplier cameras, IntSupplier viewers) {
        sessionsCreated = Counter.builder()
                .name("driftless_gateway_sessions_created_total")
                .help("Sessions created (POST /api/sessions).")
                .register(registry);
        GaugeWithCallback.builder()
                .name("driftless_gateway_cameras_connected")
                .help("Camera sockets open now.")
                .callback(callback -> callback.call(cameras.getAsInt()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("driftless_gateway_viewers_connected")
                .help("Viewer sockets open now.")
                .callback(callback -> callback.call(viewers.getAsInt()))
                .register(registry);
        received = Counter.builder()
                .name("driftless_gateway_frames_received_total")
                .help("Frames the camera sockets brought in, malformed ones included.")
                .register(registry);
        answered = Counter.builder()
                .name("driftless_gateway_frames_answered_total")
                .help("Frames the job answered (coordinates for landmarks, the annotated frame for images).")
                .register(registry);
        dropped = Counter.builder()
                .name("driftless_gateway_frames_dropped_total")
                .help("Frames the job dropped, by its reason.")
                .labelNames("reason")
                .register(registry);
        refused = Counter.builder()
                .name("driftless_gateway_frames_refused_total")
                .help("Frames the gateway refused before Kafka, by reason: RATE (over the session's fps cap),"
                        + " KAFKA (not taken), METADATA (no usable frame).")
                .labelNames("reason")
                .register(registry);
        socketsRefused = Counter.builder()
                .name("driftless_gateway_sockets_refused_total")
                .help("Camera and viewer sockets refused at the upgrade, by reason: token (missing, forged,"
                        + " expired or of the wrong scope) or origin (another site's page).")
                .labelNames("reason")
                .register(registry);
        roundTrip = Histogram.builder()
                .name("driftless_gateway_round_trip_seconds")
                .help("From a frame's arrival at the gateway to its answer going out.")
                .classicOnly()
                .classicUpperBounds(ROUND_TRIP_BUCKETS)
                .register(registry);
        for (String reason : REFUSALS) {
            refused.initLabelValues(reason);
        }
        for (DropReason reason : DropReason.values()) {
            if (reason != DropReason.DROP_REASON_UNSPECIFIED && reason != DropReason.UNRECOGNIZED) {
                dropped.initLabelValues(reason.name());
            }
        }
        socketsRefused.initLabelValues("token");
        socketsRefused.initLabelValues("origin");
    }

    PrometheusRegistry registry() {
        return registry;
    }

    /** Serves the metrics over HTTP at {@code /metrics} on {@code port} (0 picks a free one). */
    HTTPServer serve(String host, int port) {
        try {
            return HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port
                    + ": is the port in use? Pick another with --metrics-port", e);
        }
    }

    void sessionCreated() {
        sessionsCreated.inc();
    }

    void received() {
        received.inc();
    }

    void answered(long roundTripNanos) {
        answered.inc();
        roundTrip.observe(Math.max(0, roundTripNanos) / 1e9);
    }

    void dropped(String reason) {
        dropped.labelValues(reason).inc();
    }

    void refused(String reason) {
        refused.labelValues(reason).inc();
    }

    void socketRefused(String reason) {
        socketsRefused.labelValues(reason).inc();
    }
}
