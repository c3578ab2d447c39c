package io.driftless.bench.system;

import io.driftless.cluster.JvmProbe;
import io.driftless.cluster.ProjectBuild;
import io.driftless.cluster.StandaloneCluster;
import io.driftless.cluster.SubmittedJob;
import io.driftless.cluster.TaskManagerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.util.FileUtils;

/**
 * The job as it is deployed: the shaded job jar, submitted with {@code flink run} to a
 * standalone session cluster of a JobManager and one TaskManager, each a JVM of its own,
 * configured by {@code deploy/flink/config.yaml}, reading and writing its own topics of the
 * bench broker. What the TaskManager's process spends on CPU per frame is what a deployment
 * pays per user.
 */
public final class ClusterSystem implements SystemUnderTest {

    private static final Duration START = Duration.ofMinutes(3);

    private final Topics topics;
    private final SubmittedJob job;
    private final Path workDir;

    private ClusterSystem(Topics topics, SubmittedJob job, Path workDir) {
        this.topics = topics;
        this.job = job;
        this.workDir = workDir;
    }

    /** Starts the cluster from the build under {@code projectRoot} and submits the job at parallelism 1. */
    public static ClusterSystem start(BenchBroker broker, Path projectRoot) throws IOException {
        ProjectBuild build = ProjectBuild.under(projectRoot);
        Topics topics = broker.create("cluster-pipeline");
        Path workDir = Files.createTempDirectory("driftless-bench-cluster-");
        StandaloneCluster cluster = StandaloneCluster.builder()
                .distribution(build.flinkHome())
                .deployedConfig(build.deployedConfig())
                .workDir(workDir)
                .taskManagers(1)
                .build();
        try {
            SubmittedJob job = SubmittedJob.start(cluster, List.of("-p", "1", build.jobJar().toString(),
                    "--bootstrap-servers", broker.bootstrapServers(),
                    "--frames-topic", topics.frames(),
                    "--coordinates-topic-pattern", topics.coordinates(),
                    "--annotated-topic-pattern", topics.annotated(),
                    "--dropped-topic", topics.dropped(),
                    "--group-id", "bench-" + topics.frames()), START);
            return new ClusterSystem(topics, job, workDir);
        } catch (RuntimeException e) {
            FileUtils.deleteDirectoryQuietly(workDir.toFile());
            throw e;
        }
    }

    /** CPU time the TaskManagers' processes have used so far, user plus system, in microseconds. */
    public long taskManagerCpuMicros() {
        return job.cluster().taskManagers().stream().filter(TaskManagerProcess::isAlive)
                .mapToLong(tm -> new JvmProbe(tm.pid()).cpuMicros()).sum();
    }

    @Override
    public String name() {
        return "pipeline on a standalone cluster";
    }

    @Override
    public Topics topics() {
        return topics;
    }

    /** Cancels the job, stops the TaskManager and the JobManager, and deletes their folder. */
    @Override
    public void close() {
        try {
            job.close();
        } finally {
            FileUtils.deleteDirectoryQuietly(workDir.toFile());
        }
    }
}
