package io.driftless.local;

import io.driftless.cluster.ProjectBuild;
import io.driftless.cluster.StandaloneCluster;
import io.driftless.cluster.SubmittedJob;
import io.driftless.cluster.TaskManagerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.util.FileUtils;

/**
 * The job as users deploy it: the shaded job jar, submitted with Flink's command line to a
 * standalone session cluster of a JobManager and TaskManagers, each a JVM of its own started from
 * the Flink jars the build lays out (flink-cluster) and configured by
 * {@code deploy/flink/config.yaml}. Logs, checkpoints and savepoints stay in {@code workDir}
 * after the run, for a look afterwards.
 */
final class ClusterJob implements LocalJob {

    private static final Duration START = Duration.ofMinutes(3);

    private final SubmittedJob job;

    private ClusterJob(SubmittedJob job) {
        this.job = job;
    }

    /**
     * Starts the cluster, submits the job at {@code parallelism} and returns once it runs; stops
     * the cluster when that fails.
     */
    static ClusterJob start(ProjectBuild build, Path workDir, int taskManagers, LocalSystem.Ports ports,
            int parallelism, Configuration jobSettings) throws IOException {
        // a previous run's logs and checkpoints, so that this run's stand alone
        FileUtils.deleteDirectory(workDir.toFile());
        StandaloneCluster cluster = StandaloneCluster.builder()
                .distribution(build.flinkHome())
                .deployedConfig(build.deployedConfig())
                .workDir(workDir)
                .taskManagers(taskManagers)
                .restPort(ports.web())
                .build();
        List<String> args = new ArrayList<>(List.of("-p", Integer.toString(parallelism), build.jobJar().toString()));
        jobSettings.toMap().forEach((key, value) -> {
            args.add("--" + key);
            args.add(value);
        });
        return new ClusterJob(SubmittedJob.start(cluster, args, START));
    }

    /**
     * Refuses, before anything starts, a parallelism that the TaskManagers' slots (as the deployed
     * config sizes them) cannot hold: the job would wait for slots that never come.
     */
    static void checkSlots(Path projectRoot, int taskManagers, int parallelism) {
        Path deployed = projectRoot.resolve("deploy/flink");
        int slots = GlobalConfiguration.loadConfiguration(deployed.toString()).get(TaskManagerOptions.NUM_TASK_SLOTS);
        if (parallelism > taskManagers * slots) {
            throw new IllegalArgumentException("--parallelism " + parallelism + " needs more slots than "
                    + taskManagers + " TaskManagers with " + slots + " each (" + deployed.resolve("config.yaml")
                    + ") have");
        }
    }

    @Override
    public String webUi() {
        return "http://localhost:" + job.cluster().restPort();
    }

    @Override
    public List<String> metricsEndpoints() {
        List<String> endpoints = new ArrayList<>();
        endpoints.add("http://localhost:" + job.cluster().jobManagerPrometheusPort() + "/metrics (JobManager)");
        for (TaskManagerProcess tm : job.cluster().taskManagers()) {
            endpoints.add("http://localhost:" + tm.prometheusPort() + "/metrics (" + tm.resourceId() + ")");
        }
        return endpoints;
    }

    @Override
    public String describe() {
        return String.format("on a standalone Flink cluster: a JobManager and %d TaskManagers, each its own JVM"
                + " (logs in %s)", job.cluster().taskManagers().size(), job.cluster().logDir());
    }

    /** Cancels the job, then stops the TaskManagers and the JobManager. */
    @Override
    public void close() {
        job.close();
    }
}
