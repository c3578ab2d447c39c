package io.driftless.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The deployments run exactly the jars the build writes. */
class BuildOutputsTest {

    private final Repository repository = Repository.current();

    @Test
    void everyJarTheDeploymentsRunIsOneTheBuildProduces() {
        assertThat(BuildOutputs.jarsTheDeploymentsRun(repository, ComposeFile.read(repository)))
                .as("jars docker-compose.yml mounts and deploy/docker/*/Dockerfile copy")
                .contains("flink-job/target/driftless-job-" + repository.property("project.version") + ".jar")
                .isSubsetOf(repository.producedJars());
    }

    @Test
    void producedJarsComeFromTheModulePoms() {
        assertThat(repository.producedJars())
                .contains("flink-job/target/driftless-job-" + repository.property("project.version") + ".jar",
                        "frame-source/target/frame-source-" + repository.property("project.version") + ".jar")
                .noneMatch(jar -> jar.contains("${"));
    }
}
