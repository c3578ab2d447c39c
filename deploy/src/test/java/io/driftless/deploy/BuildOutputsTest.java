package io.driftless.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The deployments run exactly the jars the build writes. */
class BuildOutputsTest {

    private final Repository repository = Repository.current();

    @Test
    void everyJarTheDeploymentsRunIsOneTheBuildProduces() {
        Set<String> run = BuildOutputs.jarsTheDeploymentsRun(repository, ComposeFile.read(repository));
        assertThat(run).contains("flink-job/target/driftless-job-" + repository.property("project.version") + ".jar");
        Set<String> produced = repository.producedJars();
        assertThat(run.stream().filter(jar -> !produced.contains(jar)).toList())
                .as("jars docker-compose.yml mounts or deploy/docker/*/Dockerfile copy that no module's pom.xml"
                        + " builds (the build writes %s)", produced)
                .isEmpty();
    }

    @Test
    void producedJarsComeFromTheModulePoms() {
        assertThat(repository.producedJars())
                .contains("flink-job/target/driftless-job-" + repository.property("project.version") + ".jar",
                        "frame-source/target/frame-source-" + repository.property("project.version") + ".jar")
                .noneMatch(jar -> jar.contains("${"));
    }
}
