package io.driftless.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A standalone cluster started for one job, and that job, submitted with {@code flink run -d}.
 * Closing it cancels the job, then stops the cluster's processes.
 *
 * <pre>{@code
 * try (SubmittedJob job = SubmittedJob.start(builder.build(), List.of("-p", "2", jar, "--bootstrap-servers", kafka),
 *         Duration.ofMinutes(3))) {
 *     ... job.cluster().rest() ...
 * }
 * }</pre>
 */
public final class SubmittedJob implements AutoCloseable {

    private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(30);

    private final StandaloneCluster cluster;
    private final String jobId;

    private SubmittedJob(StandaloneCluster cluster, String jobId) {
        this.cluster = cluster;
        this.jobId = jobId;
    }

    /**
     * Starts {@code cluster}, runs {@code flink run -d RUN_ARGS…} against it and returns once the job
     * runs; when that fails, stops the cluster and throws with the tails of its logs.
     */
    public static SubmittedJob start(StandaloneCluster cluster, List<String> runArgs, Duration timeout) {
        try {
            cluster.start();
            List<String> args = new ArrayList<>(List.of("-d"));
            args.addAll(runArgs);
            String jobId = cluster.cli().run(args).submittedJobId();
            cluster.rest().awaitRunning(jobId, timeout);
            return new SubmittedJob(cluster, jobId);
        } catch (RuntimeException e) {
            String logs = cluster.diagnostics();
            cluster.close();
            throw new IllegalStateException("the job did not start on the cluster: " + e.getMessage() + "\n" + logs, e);
        }
    }

    public StandaloneCluster cluster() {
        return cluster;
    }

    public String jobId() {
        return jobId;
    }

    /** Cancels the job, then stops the TaskManagers and the JobManager. */
    @Override
    public void close() {
        try {
            cluster.rest().cancel(jobId, CANCEL_TIMEOUT);
        } finally {
            cluster.close();
        }
    }
}
