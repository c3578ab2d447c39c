package io.driftless.cluster;

import java.nio.file.Path;

/**
 * One TaskManager JVM of a {@link StandaloneCluster}.
 *
 * @param index its place in the order the cluster started TaskManagers
 * @param resourceId its id in Flink ({@code taskmanager.resource-id}), as REST lists it
 * @param tmpDir its {@code java.io.tmpdir} and {@code io.tmp.dirs}, its own
 * @param logFile its Flink log
 * @param prometheusPort the port of its Prometheus endpoint
 * @param jvm the process
 */
public record TaskManagerProcess(int index, String resourceId, Path tmpDir, Path logFile, int prometheusPort,
        ChildJvm jvm) {

    public long pid() {
        return jvm.pid();
    }

    public boolean isAlive() {
        return jvm.isAlive();
    }
}
