package io.driftless.local;

import java.nio.file.Path;

/**
 * Where a local run's job runs: in the run's own JVM on a Flink MiniCluster ({@link #IN_PROCESS}),
 * or on a standalone cluster of a JobManager and {@code taskManagers} TaskManagers, each a JVM of
 * its own, as users deploy it.
 *
 * @param taskManagers 0 for the MiniCluster, else the TaskManagers of the standalone cluster
 * @param projectRoot where the build put the Flink jars and the job jar (the cluster shape only)
 * @param workDir the cluster's logs, checkpoints and temp folders (the cluster shape only)
 */
public record JobShape(int taskManagers, Path projectRoot, Path workDir) {

    public static final JobShape IN_PROCESS = new JobShape(0, null, null);

    public JobShape {
        if (taskManagers < 0) {
            throw new IllegalArgumentException("--task-managers must be 0 or more, got " + taskManagers);
        }
        if (taskManagers > 0 && (projectRoot == null || workDir == null)) {
            throw new IllegalArgumentException("a cluster shape needs the project root and a work folder");
        }
    }

    /** A standalone cluster of {@code taskManagers} TaskManagers, run from the build under {@code projectRoot}. */
    public static JobShape cluster(int taskManagers, Path projectRoot) {
        return new JobShape(taskManagers, projectRoot, projectRoot.resolve("local/target/cluster"));
    }

    public boolean inProcess() {
        return taskManagers == 0;
    }
}
