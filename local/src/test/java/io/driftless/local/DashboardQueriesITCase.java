package io.driftless.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftless.gateway.GatewayConfig;
import io.driftless.gateway.TokenKey;
import io.driftless.gateway.WebGateway;
import io.driftless.job.DriftlessOptions;
import io.driftless.job.DriftlessOptions.InferenceBackend;
import io.driftless.local.testutils.DashboardPicture;
import io.driftless.local.testutils.DashboardPicture.Series;
import io.driftless.local.testutils.FreePorts;
import io.driftless.local.testutils.GatewayCamera;
import io.driftless.local.testutils.GrafanaDashboard;
import io.driftless.local.testutils.GrafanaDashboard.Panel;
import io.driftless.local.testutils.GrafanaDashboard.Target;
import io.driftless.local.testutils.GrafanaDashboard.Variable;
import io.driftless.local.testutils.PrometheusServer;
import io.driftless.source.RunSummary;
import io.driftless.source.SyntheticConfig;
import io.driftless.source.SyntheticRun;
import io.driftless.source.SendMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of every Grafana dashboard returns data from a real Prometheus that scrapes the
 * local system while synthetic users stream through it (and one browser session through the web
 * gateway), so no panel is ever empty because a metric was renamed. Also renders each dashboard from that data into
 * {@code target/dashboards/<scenario>/*.png} (the pictures in {@code docs/img} come from the
 * remote-inference scenario, which fills every panel).
 *
 * <p>Needs the {@code prometheus} binary, so it runs only under {@code -Pdashboards}.
 */
class DashboardQueriesITCase {

    private static final Path DASHBOARDS = Path.of("..", "deploy", "grafana", "dashboards");
    private static final Path OUTPUT = Path.of("target", "dashboards");
    private static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);
    /** How much history the pictures show; the queries are checked until then at least. */
    private static final Duration HISTORY = Duration.ofSeconds(60);
    private static final Duration LOAD = HISTORY.plusSeconds(60);
    /** A browser session through the web gateway beside the Kafka users, for the gateway's panels. */
    private static final int BROWSER_FPS = 10;
    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}");

    /** What runs, and so which queries can have data. */
    enum Scenario {
        /** The job with its in-process model: every query but the inference server's. */
        EMBEDDED,
        /** The job calling the gRPC inference server, whose metrics Prometheus scrapes too: every query. */
        REMOTE_INFERENCE;

        /** Where this scenario's pictures and data go. */
        Path output() {
            return OUTPUT.resolve(name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }

        boolean answers(String query) {
            return this == REMOTE_INFERENCE || !needsInferenceServer(query);
        }
    }

    /** One query Grafana would send for one panel target. */
    record Query(GrafanaDashboard dashboard, Panel panel, Target target, String promql) {
        String describe() {
            return dashboard.fileName() + " / " + panel.row() + " / " + panel.title() + " [" + target.refId() + "]: "
                    + promql;
        }
    }

    @TempDir
    Path work;

    @Test
    void everyDashboardQueryReturnsDataWhileTheEmbeddedSystemServesUsers() throws Exception {
        checkDashboards(Scenario.EMBEDDED);
    }

    @Test
    void everyInferenceServerQueryReturnsDataWhileTheJobUsesTheRemoteServer() throws Exception {
        checkDashboards(Scenario.REMOTE_INFERENCE);
    }

    static boolean needsInferenceServer(String query) {
        return query.contains("driftless_server_");
    }

    private void checkDashboards(Scenario scenario) throws Exception {
        Path binary = PrometheusServer.findBinary().orElseThrow(() -> new AssertionError(
                "the dashboard check needs a real Prometheus: install the Debian package (sudo apt-get install -y"
                        + " prometheus) or name the binary with -D" + PrometheusServer.BINARY_PROPERTY + "=PATH"));
        List<GrafanaDashboard> dashboards = readDashboards();
        List<Query> queries = queries(dashboards);
        Set<Query> empty = new LinkedHashSet<>(queries.stream().filter(q -> scenario.answers(q.promql())).toList());
        Set<String> emptyVariables = new LinkedHashSet<>();
        for (GrafanaDashboard dashboard : dashboards) {
            for (Variable variable : dashboard.variables()) {
                if (scenario.answers(variable.match())) {
                    emptyVariables.add(dashboard.fileName() + " $" + variable.name());
                }
            }
        }
        int checked = empty.size();

        LocalSystem.Ports ports = new LocalSystem.Ports(0, FreePorts.pick(), FreePorts.pick());
        List<String> targets = new ArrayList<>(List.of("127.0.0.1:" + ports.prometheus()));
        Configuration jobSettings = new Configuration();
        int serverPort = FreePorts.pick();
        int serverMetricsPort = FreePorts.pick();
        int gatewayMetricsPort = FreePorts.pick();
        targets.add("127.0.0.1:" + gatewayMetricsPort);
        if (scenario == Scenario.REMOTE_INFERENCE) {
            jobSettings.set(DriftlessOptions.INFERENCE_BACKEND, InferenceBackend.REMOTE);
            jobSettings.set(DriftlessOptions.INFERENCE_TARGET, "127.0.0.1:" + serverPort);
            targets.add("127.0.0.1:" + serverMetricsPort);
        }
        Instant start;
        Instant end;
        String latestCheckpointPath;
        RunSummary jpegSessions;
        // closed in reverse: load, Prometheus, the job, then the server the job calls
        try (LocalInferenceServer server = scenario == Scenario.REMOTE_INFERENCE
                        ? LocalInferenceServer.start(serverPort, serverMetricsPort, List.of()) : null;
                LocalSystem system = LocalSystem.start(ports, 1, 2, jobSettings, BrokerRetention.DEFAULT,
                        JobShape.IN_PROCESS, () -> false);
                WebGateway gateway = WebGateway.start(GatewayConfig.builder()
                        .bootstrapServers(system.bootstrapServers())
                        .bindHost("127.0.0.1")
                        .port(0)
                        .metricsPort(gatewayMetricsPort)
                        .tokenKey(TokenKey.random())
                        .build());
                PrometheusServer prometheus = PrometheusServer.start(binary, targets, SCRAPE_INTERVAL, work);
                Load load = Load.start(system.bootstrapServers());
                GatewayCamera browser = GatewayCamera.start(gateway, BROWSER_FPS)) {
            prometheus.awaitTargetsUp(Duration.ofSeconds(60));
            start = Instant.now();
            long deadline = System.nanoTime() + LOAD.toNanos();
            while (true) {
                for (Iterator<Query> it = empty.iterator(); it.hasNext(); ) {
                    if (hasData(prometheus.query(it.next().promql()))) {
                        it.remove();
                    }
                }
                for (GrafanaDashboard dashboard : dashboards) {
                    for (Variable variable : dashboard.variables()) {
                        if (!prometheus.labelValues(variable.label(), dashboard.resolve(variable.match())).isEmpty()) {
                            emptyVariables.remove(dashboard.fileName() + " $" + variable.name());
                        }
                    }
                }
                boolean enoughHistory = Duration.between(start, Instant.now()).compareTo(HISTORY) >= 0;
                if ((empty.isEmpty() && emptyVariables.isEmpty() && enoughHistory) || System.nanoTime() > deadline) {
                    break;
                }
                TimeUnit.SECONDS.sleep(1);
            }
            end = Instant.now();
            jpegSessions = load.stop();
            latestCheckpointPath = latestCheckpointPath(ports.web());
            // pictures first: they help to see why a query came back empty
            for (GrafanaDashboard dashboard : dashboards) {
                picture(prometheus, dashboard, scenario, start, end);
            }
        }
        Path output = scenario.output();
        Files.createDirectories(output);
        Files.write(output.resolve("queries-checked.txt"), queries.stream()
                .filter(q -> scenario.answers(q.promql())).map(Query::describe).toList());
        System.out.printf("%d dashboard queries checked (list in %s)%n", checked, output.resolve("queries-checked.txt"));

        System.out.println("the JPEG sessions:\n" + jpegSessions.toTable());
        assertThat(jpegSessions.responses()).as("JPEG frames answered, which the video panels show:%n%s",
                jpegSessions.toTable()).isPositive();
        assertThat(empty.stream().map(Query::describe).toList())
                .as("dashboard queries that returned no data within %d s of load", LOAD.toSeconds())
                .isEmpty();
        assertThat(emptyVariables).as("template variables that list no values").isEmpty();
        assertThat(latestCheckpointPath).as("where the local job's last checkpoint went: on disk, not in the"
                + " JobManager's memory").startsWith("file:");
    }

    /**
     * Whether an instant query's result holds a number: a quantile or a ratio over nothing yet
     * comes back as NaN, which Grafana draws as an empty panel.
     */
    static boolean hasData(JsonNode result) {
        for (JsonNode series : result) {
            if (!"NaN".equals(series.path("value").path(1).asText("NaN"))) {
                return true;
            }
        }
        return false;
    }

    /** The external path of the running job's latest completed checkpoint, from Flink's REST API. */
    private static String latestCheckpointPath(int webPort) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        String rest = "http://127.0.0.1:" + webPort;
        JsonNode jobs = json.readTree(http.send(HttpRequest.newBuilder(URI.create(rest + "/jobs/overview")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        String jobId = jobs.path("jobs").path(0).path("jid").asText();
        JsonNode checkpoints = json.readTree(http.send(HttpRequest.newBuilder(
                URI.create(rest + "/jobs/" + jobId + "/checkpoints")).build(), HttpResponse.BodyHandlers.ofString()).body());
        return checkpoints.path("latest").path("completed").path("external_path").asText("no completed checkpoint");
    }

    private static List<GrafanaDashboard> readDashboards() throws Exception {
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            List<GrafanaDashboard> dashboards = files.filter(f -> f.toString().endsWith(".json")).sorted()
                    .map(GrafanaDashboard::read).toList();
            assertThat(dashboards).extracting(GrafanaDashboard::fileName)
                    .contains("driftless-pipeline.json", "driftless-inference.json");
            return dashboards;
        }
    }

    private static List<Query> queries(List<GrafanaDashboard> dashboards) {
        List<Query> queries = new ArrayList<>();
        for (GrafanaDashboard dashboard : dashboards) {
            for (Panel panel : dashboard.panels()) {
                if (panel.isRow()) {
                    continue;
                }
                assertThat(panel.targets()).as("%s: targets of panel %s", dashboard.fileName(), panel.title())
                        .isNotEmpty()
                        .allSatisfy(t -> assertThat(t.expr()).as("%s: query of %s", dashboard.fileName(), panel.title())
                                .isNotBlank());
                for (Target target : panel.targets()) {
                    queries.add(new Query(dashboard, panel, target, dashboard.resolve(target.expr())));
                }
            }
        }
        return queries;
    }

    private void picture(PrometheusServer prometheus, GrafanaDashboard dashboard, Scenario scenario,
            Instant start, Instant end) throws Exception {
        Map<Panel, List<Series>> data = new LinkedHashMap<>();
        Map<Panel, String> noData = new LinkedHashMap<>();
        ObjectNode record = new ObjectMapper().createObjectNode().put("dashboard", dashboard.fileName())
                .put("start", start.toString()).put("end", end.toString());
        ArrayNode recordedPanels = record.putArray("panels");
        for (Panel panel : dashboard.panels()) {
            if (panel.isRow()) {
                continue;
            }
            List<Series> lines = new ArrayList<>();
            ArrayNode recordedTargets = recordedPanels.addObject().put("row", panel.row()).put("title", panel.title())
                    .putArray("targets");
            for (Target target : panel.targets()) {
                String promql = dashboard.resolve(target.expr());
                if (!scenario.answers(promql)) {
                    noData.put(panel, "awaits the inference server scenario");
                    continue;
                }
                JsonNode result = prometheus.queryRange(promql, start, end, SCRAPE_INTERVAL);
                recordedTargets.addObject().put("expr", promql).set("result", result);
                for (JsonNode series : result) {
                    JsonNode values = series.path("values");
                    long[] times = new long[values.size()];
                    double[] points = new double[values.size()];
                    for (int i = 0; i < values.size(); i++) {
                        times[i] = (long) (values.get(i).get(0).asDouble() * 1000);
                        points[i] = Double.parseDouble(values.get(i).get(1).asText());
                    }
                    lines.add(new Series(legend(target.legend(), series.path("metric")), times, points));
                }
            }
            data.put(panel, lines);
        }
        String name = dashboard.fileName().replace(".json", "");
        Path output = scenario.output();
        Files.createDirectories(output);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(output.resolve(name + "-data.json").toFile(), record);
        DashboardPicture.render(dashboard, data, noData, output.resolve(name + ".png"));
    }

    private static String legend(String format, JsonNode labels) {
        Matcher matcher = LEGEND_LABEL.matcher(format);
        StringBuilder legend = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(legend, Matcher.quoteReplacement(labels.path(matcher.group(1)).asText("")));
        }
        matcher.appendTail(legend);
        return legend.length() == 0 ? labels.toString() : legend.toString();
    }

    /**
     * Synthetic users for the whole check, a few JPEG sessions beside them, and a burst of more
     * users in the middle, so the pictures show the system both comfortable and shedding load.
     */
    private static final class Load implements AutoCloseable {
        private final ScheduledExecutorService threads = Executors.newScheduledThreadPool(3);
        private final SyntheticRun steady;
        private final SyntheticRun jpeg;
        private final SyntheticRun burst;
        private Future<?> burstStart;
        private Future<RunSummary> jpegSummary;

        private Load(String bootstrapServers) {
            steady = new SyntheticRun(users(bootstrapServers, "steady", 40, LOAD).build());
            // the video path's panels need image frames answered the whole time, even where the
            // image path's round trip is over 33 ms (a cold JVM on a busy machine): a 10 fps
            // camera may give each frame its frame interval
            jpeg = new SyntheticRun(users(bootstrapServers, "jpeg", 3, LOAD).fps(10).sendMode(SendMode.JPEG)
                    .deadlineMs(100).build());
            burst = new SyntheticRun(users(bootstrapServers, "burst", 120, Duration.ofSeconds(15)).build());
        }

        static Load start(String bootstrapServers) {
            Load load = new Load(bootstrapServers);
            load.jpegSummary = load.threads.submit(load.jpeg::run);
            load.threads.submit(load.steady::run);
            // the steady users have the system to themselves for a while first
            load.burstStart = load.threads.schedule(load.burst::run, 25, TimeUnit.SECONDS);
            return load;
        }

        private static SyntheticConfig.Builder users(String bootstrapServers, String runId, int users, Duration duration) {
            return SyntheticConfig.builder()
                    .users(users)
                    .fps(30)
                    .duration(duration)
                    .bootstrapServers(bootstrapServers)
                    .runId(runId)
                    .seed(runId.hashCode())
                    .drainTimeout(Duration.ofSeconds(5));
        }

        /**
         * Stops every user and waits for the runs to end; returns the JPEG sessions' own account,
         * which tells why the video panels are empty when they are.
         */
        RunSummary stop() throws InterruptedException {
            halt();
            try {
                return jpegSummary.get(0, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new AssertionError("the JPEG sessions did not end with an account", e);
            }
        }

        private void halt() throws InterruptedException {
            jpeg.stop();
            steady.stop();
            burst.stop();
            burstStart.cancel(false);
            threads.shutdown();
            if (!threads.awaitTermination(60, TimeUnit.SECONDS)) {
                threads.shutdownNow();
            }
        }

        @Override
        public void close() throws InterruptedException {
            halt();
            steady.close();
            jpeg.close();
            burst.close();
        }
    }
}
