package io.driftless.local.testutils;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The real {@code prometheus} binary on a free port, scraping the given targets into a fresh
 * TSDB, and the parts of its HTTP API the dashboard test needs.
 */
public final class PrometheusServer implements AutoCloseable {

    /** The system property that names the binary when it is not on the PATH. */
    public static final String BINARY_PROPERTY = "prometheus.binary";

    private final Process process;
    private final Path log;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    private PrometheusServer(Process process, Path log, URI base) {
        this.process = process;
        this.log = log;
        this.base = base;
    }

    /** The binary named by {@value #BINARY_PROPERTY}, else {@code prometheus} on the PATH. */
    public static Optional<Path> findBinary() {
        String configured = System.getProperty(BINARY_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "prometheus");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Starts Prometheus scraping {@code targets} (host:port) every {@code scrapeInterval}. */
    public static PrometheusServer start(Path binary, List<String> targets, Duration scrapeInterval, Path workDir)
            throws IOException {
        int port = FreePorts.pick();
        Path config = workDir.resolve("prometheus.yml");
        String interval = scrapeInterval.toMillis() + "ms";
        StringBuilder yaml = new StringBuilder()
                .append("global:\n  scrape_interval: ").append(interval)
                .append("\n  evaluation_interval: ").append(interval)
                .append("\nscrape_configs:\n  - job_name: driftless\n    static_configs:\n      - targets: [");
        for (int i = 0; i < targets.size(); i++) {
            yaml.append(i == 0 ? "" : ", ").append('\'').append(targets.get(i)).append('\'');
        }
        yaml.append("]\n");
        Files.writeString(config, yaml);
        Path log = workDir.resolve("prometheus.log");
        Process process = new ProcessBuilder(binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + Files.createDirectories(workDir.resolve("tsdb")),
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new PrometheusServer(process, log, URI.create("http://127.0.0.1:" + port));
    }

    /** Polls until every target is scraped successfully; fails with Prometheus' own view after {@code timeout}. */
    public void awaitTargetsUp(Duration timeout) {
        AtomicReference<String> last = new AtomicReference<>("Prometheus not answering");
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("prometheus exited with " + process.exitValue() + ":\n"
                            + logTail());
                }
                try {
                    JsonNode active = get("/api/v1/targets?state=active").path("data").path("activeTargets");
                    last.set(active.toString());
                    boolean allUp = active.size() > 0;
                    for (JsonNode target : active) {
                        allUp &= "up".equals(target.path("health").asText());
                    }
                    return allUp;
                } catch (IOException notYet) {
                    last.set(notYet.toString());
                    return false;
                }
            });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("Prometheus targets not up within " + timeout.toSeconds() + " s: "
                    + last.get() + "\n" + logTail(), e);
        }
    }

    /** An instant query now: the result vector (empty when the query matches nothing). */
    public JsonNode query(String promql) throws IOException, InterruptedException {
        return data("/api/v1/query?query=" + encode(promql)).path("result");
    }

    /** A range query: one entry per series, each with {@code metric} and {@code values}. */
    public JsonNode queryRange(String promql, Instant start, Instant end, Duration step)
            throws IOException, InterruptedException {
        return data("/api/v1/query_range?query=" + encode(promql)
                + "&start=" + start.getEpochSecond() + "&end=" + end.getEpochSecond()
                + "&step=" + step.toSeconds()).path("result");
    }

    /** What Grafana's {@code label_values(match, label)} lists. */
    public List<String> labelValues(String label, String match) throws IOException, InterruptedException {
        List<String> values = new ArrayList<>();
        data("/api/v1/label/" + label + "/values?match%5B%5D=" + encode(match)).forEach(v -> values.add(v.asText()));
        return values;
    }

    private JsonNode data(String path) throws IOException, InterruptedException {
        JsonNode answer = get(path);
        if (!"success".equals(answer.path("status").asText())) {
            throw new IllegalArgumentException("Prometheus refused " + path + ": " + answer.path("error").asText());
        }
        return answer.path("data");
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return json.readTree(response.body());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
