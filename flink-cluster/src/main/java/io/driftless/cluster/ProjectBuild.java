package io.driftless.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What a standalone cluster of this project runs from, where the build puts it under the
 * project's root folder: the Flink distribution this module lays out, the deployed
 * {@code config.yaml}, and the shaded job jar that {@code flink run} takes.
 *
 * @param flinkHome {@code flink-cluster/target/flink}
 * @param deployedConfig {@code deploy/flink/config.yaml}
 * @param jobJar {@code flink-job/target/driftless-job-VERSION.jar}
 */
public record ProjectBuild(FlinkDistribution flinkHome, Path deployedConfig, Path jobJar) {

    /** The build under {@code root}, or an error that says what to build. */
    public static ProjectBuild under(Path root) {
        Path jar;
        try (Stream<Path> jars = Files.list(root.resolve("flink-job/target"))) {
            jar = jars.filter(p -> p.getFileName().toString().matches("driftless-job-.*\\.jar"))
                    .max(Comparator.comparing(Path::toString))
                    .orElse(null);
        } catch (IOException e) {
            jar = null;
        }
        if (jar == null) {
            throw new IllegalStateException("no job jar (flink-job/target/driftless-job-*.jar) under "
                    + root.toAbsolutePath() + ": build the project first (mvn -DskipTests install)");
        }
        return new ProjectBuild(FlinkDistribution.at(root.resolve("flink-cluster/target/flink")),
                root.resolve("deploy/flink/config.yaml"), jar);
    }
}
