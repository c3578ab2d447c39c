package io.driftless.inference.server;

import io.driftless.inference.onnx.BatchListener;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The inference server's Prometheus metrics, all named {@code driftless_server_*} and, but for
 * the streams waiting on their clients, labelled by {@code model}. Each server has its own
 * registry, so two servers in one JVM (a test, the local run) never mix their numbers.
 */
public final class ServerMetrics {

    /** Buckets for times of a few microseconds (a small model's call) up to a second. */
    private static final double[] SECONDS_BUCKETS = {
        0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.033, 0.05, 0.1, 0.25, 0.5, 1
    };

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Map<String, IntSupplier> queueDepths = new ConcurrentHashMap<>();
    private final Histogram batchSize;
    private final Histogram queueSeconds;
    private final Histogram computeSeconds;
    private final Counter requests;
    private final Counter rejections;
    private final Counter lateAnswers;
    private final Gauge inFlight;
    private final Gauge streamsWaitingOnClient;

    public ServerMetrics() {
        GaugeWithCallback.builder()
                .name("driftless_server_queue_depth")
                .help("Requests waiting for the model now.")
                .labelNames("model")
                .callback(callback -> queueDepths.forEach((model, depth) -> callback.call(depth.getAsInt(), model)))
                .register(registry);
        batchSize = Histogram.builder()
                .name("driftless_server_batch_size")
                .help("Requests per model call.")
                .labelNames("model")
                .classicOnly()
                .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256)
                .register(registry);
        queueSeconds = Histogram.builder()
                .name("driftless_server_queue_seconds")
                .help("Time a request waited between arriving and its batch starting.")
                .labelNames("model")
                .classicOnly()
                .classicUpperBounds(SECONDS_BUCKETS)
                .register(registry);
        computeSeconds = Histogram.builder()
                .name("driftless_server_compute_seconds")
                .help("Time of one model call (a whole batch).")
                .labelNames("model")
                .classicOnly()
                .classicUpperBounds(SECONDS_BUCKETS)
                .register(registry);
        requests = Counter.builder()
                .name("driftless_server_requests_total")
                .help("Requests answered, by outcome: ok, or the drop reason in lower case.")
                .labelNames("model", "outcome")
                .register(registry);
        rejections = Counter.builder()
                .name("driftless_server_rejected_total")
                .help("Requests refused before compute, by reason: expired (could not make its"
                        + " deadline), overloaded (queue full, or it would make the request late),"
                        + " invalid (bad input), unknown_model.")
                .labelNames("model", "reason")
                .register(registry);
        lateAnswers = Counter.builder()
                .name("driftless_server_late_answers_total")
                .help("Requests admitted whose model call ended after their deadline: work the server"
                        + " took on and could not finish in time, which load shedding should keep near zero.")
                .labelNames("model")
                .register(registry);
        inFlight = Gauge.builder()
                .name("driftless_server_in_flight")
                .help("Requests received and not yet answered.")
                .labelNames("model")
                .register(registry);
        streamsWaitingOnClient = Gauge.builder()
                .name("driftless_server_streams_waiting_on_client")
                .help("Streams whose answers are not going out (the client reads them slower than they come):"
                        + " the server reads none of their frames until they do.")
                .register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** Serves the metrics over HTTP at {@code /metrics} on {@code port} (0 picks a free one). */
    public HTTPServer serve(int port) {
        try {
            return HTTPServer.builder().port(port).registry(registry).buildAndStart();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on port " + port
                    + ": is it in use? Pick another with --metrics-port", e);
        }
    }

    /** Reports {@code model}'s queue depth from {@code queueDepth} at each scrape. */
    void watchQueue(String model, IntSupplier queueDepth) {
        queueDepths.put(model, queueDepth);
    }

    /** What {@code model}'s runner should tell about each batch it serves. */
    BatchListener batchListener(String model) {
        DistributionDataPoint sizes = batchSize.labelValues(model);
        DistributionDataPoint compute = computeSeconds.labelValues(model);
        return (size, runMicros) -> {
            sizes.observe(size);
            compute.observe(runMicros / 1e6);
        };
    }

    void received(String model) {
        inFlight.labelValues(model).inc();
    }

    void answered(String model, String outcome, long queueMicros) {
        inFlight.labelValues(model).dec();
        requests.labelValues(model, outcome).inc();
        if (queueMicros >= 0) {
            queueSeconds.labelValues(model).observe(queueMicros / 1e6);
        }
    }

    /** A stream's answers stopped ({@code true}) or started again going out. */
    void streamWaitingOnClient(boolean waiting) {
        if (waiting) {
            streamsWaitingOnClient.inc();
        } else {
            streamsWaitingOnClient.dec();
        }
    }

    void answeredLate(String model) {
        lateAnswers.labelValues(model).inc();
    }

    void rejected(String model, String reason) {
        rejections.labelValues(model, reason).inc();
    }
}
