package io.driftless.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Flink's REST API as the harness uses it: jars, jobs, savepoints, TaskManagers and their
 * metrics. Every call has a timeout; an error status throws {@link ClusterRestException} with
 * Flink's answer.
 *
 * <pre>{@code
 * ClusterRest rest = cluster.rest();
 * String jar = rest.uploadJar(jobJar);
 * String job = rest.runJar(jar, List.of("--bootstrap-servers", kafka), 2, null);
 * rest.awaitRunning(job, Duration.ofMinutes(1));
 * String savepoint = rest.stopWithSavepoint(job, savepoints, Duration.ofMinutes(1));
 * }</pre>
 */
public final class ClusterRest {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http;

    public ClusterRest(URI base) {
        this.base = Objects.requireNonNull(base, "base");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    public URI base() {
        return base;
    }

    /** A TaskManager as {@code /taskmanagers} lists it. */
    public record TaskManager(String id, int slots, int freeSlots) {}

    /** {@code GET path}, as JSON. */
    public JsonNode get(String path) {
        return send("GET " + path, HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    /** Whether the REST endpoint answers at all. */
    public boolean reachable() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/overview"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code POST /jars/upload}; returns the jar's id for {@link #runJar}. */
    public String uploadJar(Path jar) {
        String boundary = "driftless-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                    + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.write(Files.readAllBytes(jar));
            body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + jar, e);
        }
        JsonNode answer = send("POST /jars/upload", HttpRequest.newBuilder(base.resolve("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        String file = answer.path("filename").asText();
        return Path.of(file).getFileName().toString();
    }

    /**
     * {@code POST /jars/:id/run}: runs the jar's main in the JobManager with {@code args}.
     *
     * @param parallelism the job's parallelism, or 0 for the cluster's default
     * @param savepoint a savepoint to start from, or null
     * @return the job's id
     * @throws ClusterRestException if the JobManager refused or the main failed (its message in the body)
     */
    public String runJar(String jarId, List<String> args, int parallelism, String savepoint) {
        ObjectNode request = JSON.createObjectNode();
        ArrayNode programArgs = request.putArray("programArgsList");
        args.forEach(programArgs::add);
        if (parallelism > 0) {
            request.put("parallelism", parallelism);
        }
        if (savepoint != null) {
            request.put("savepointPath", savepoint);
        }
        JsonNode answer = send("POST /jars/" + jarId + "/run", HttpRequest.newBuilder(base.resolve("/jars/" + jarId + "/run"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.toString())));
        return answer.path("jobid").asText();
    }

    /** The job's state: RUNNING, CANCELED, FAILED… */
    public String jobState(String jobId) {
        return overview(jobId).path("state").asText();
    }

    /** Waits until the job and every one of its tasks run (sources open, models loaded). */
    public void awaitRunning(String jobId, Duration timeout) {
        awaitCondition("job " + jobId + " and all its tasks RUNNING", timeout, () -> {
            JsonNode job = overview(jobId);
            JsonNode tasks = job.path("tasks");
            return job.path("state").asText().equals("RUNNING")
                    && tasks.path("running").asInt() == tasks.path("total").asInt();
        });
    }

    /**
     * The job's entry in {@code GET /jobs/overview}: its state and its subtasks counted by state
     * ({@code tasks}), or an empty node for a job the cluster does not know. Read from there and
     * not from {@code GET /jobs/:id}, which the JobManager serves from a cache that lives {@code
     * web.refresh-interval} (3 s): each wait for a state change would take up to 3 s longer.
     */
    private JsonNode overview(String jobId) {
        for (JsonNode job : get("/jobs/overview").path("jobs")) {
            if (job.path("jid").asText().equals(jobId)) {
                return job;
            }
        }
        return JSON.createObjectNode();
    }

    /** Waits until the job is in {@code state}. */
    public void awaitState(String jobId, String state, Duration timeout) {
        awaitCondition("job " + jobId + " " + state, timeout, () -> jobState(jobId).equals(state));
    }

    /** {@code PATCH /jobs/:id?mode=cancel}, then waits for CANCELED. */
    public void cancel(String jobId, Duration timeout) {
        send("PATCH /jobs/" + jobId, HttpRequest.newBuilder(base.resolve("/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()));
        awaitState(jobId, "CANCELED", timeout);
    }

    /** {@code POST /jobs/:id/stop}: stop with a savepoint under {@code targetDirectory}; returns its path. */
    public String stopWithSavepoint(String jobId, Path targetDirectory, Duration timeout) {
        ObjectNode request = JSON.createObjectNode();
        request.put("targetDirectory", targetDirectory.toUri().toString());
        request.put("drain", false);
        String trigger = send("POST /jobs/" + jobId + "/stop", HttpRequest.newBuilder(base.resolve("/jobs/" + jobId + "/stop"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.toString()))).path("request-id").asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode status = get("/jobs/" + jobId + "/savepoints/" + trigger);
            if (status.path("status").path("id").asText().equals("COMPLETED")) {
                JsonNode operation = status.path("operation");
                if (operation.has("failure-cause")) {
                    throw new IllegalStateException("stop-with-savepoint of " + jobId + " failed: "
                            + operation.path("failure-cause"));
                }
                return operation.path("location").asText();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("stop-with-savepoint of " + jobId + " not done within " + timeout);
            }
            ChildJvm.pause(200);
        }
    }

    /** The TaskManagers registered now. */
    public List<TaskManager> taskManagers() {
        List<TaskManager> all = new ArrayList<>();
        for (JsonNode tm : get("/taskmanagers").path("taskmanagers")) {
            all.add(new TaskManager(tm.path("id").asText(), tm.path("slotsNumber").asInt(), tm.path("freeSlots").asInt()));
        }
        return all;
    }

    /** The ids of the TaskManagers that run a task of the job. */
    public Set<String> taskManagersOf(String jobId) {
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            JsonNode hosts = get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/taskmanagers");
            for (JsonNode tm : hosts.path("taskmanagers")) {
                ids.add(tm.path("taskmanager-id").asText());
            }
        }
        return ids;
    }

    /** A TaskManager metric, e.g. {@code Status.JVM.Memory.Metaspace.Used}; NaN while it has none. */
    public double taskManagerMetric(String taskManagerId, String metric) {
        return metricValue(get("/taskmanagers/" + taskManagerId + "/metrics?get=" + metric));
    }

    /** A job metric, e.g. {@code numRestarts}; NaN while it has none. */
    public double jobMetric(String jobId, String metric) {
        return metricValue(get("/jobs/" + jobId + "/metrics?get=" + metric));
    }

    /** How many checkpoints of the job completed. */
    public long completedCheckpoints(String jobId) {
        return get("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asLong();
    }

    private static double metricValue(JsonNode answer) {
        for (JsonNode metric : answer) {
            return Double.parseDouble(metric.path("value").asText("NaN"));
        }
        return Double.NaN;
    }

    private JsonNode send(String call, HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(CALL_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new ClusterRestException(call, response.statusCode(), response.body());
            }
            return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(call + " to " + base + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + call, e);
        }
    }

    /** Polls {@code condition} every 200 ms until it holds, failing with {@code what} after {@code timeout}. */
    static void awaitCondition(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("not " + what + " within " + timeout);
            }
            ChildJvm.pause(200);
        }
    }
}
