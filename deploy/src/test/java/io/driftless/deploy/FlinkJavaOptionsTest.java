package io.driftless.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftless.deploy.ComposeFile.Service;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every Flink configuration the deployments run with keeps the distribution's Java 17 module
 * flags: each replaces the distribution's config.yaml, and without the flags Flink's CLI (and the
 * JobManager in application mode) fails with InaccessibleObjectException on java.util.
 */
class FlinkJavaOptionsTest {

    private static final String FLINK_CONF = "/opt/flink/conf/config.yaml";

    private final Repository repository = Repository.current();

    @Test
    void composeFlinkServicesRunWithTheDistributionsJavaOptions() {
        ComposeFile compose = ComposeFile.read(repository);
        for (String name : List.of("jobmanager", "taskmanager")) {
            Service service = compose.service(name);
            Dockerfile image = Dockerfile.read(repository, service.dockerfile());
            String config = image.copyTargets.entrySet().stream()
                    .filter(copy -> copy.getValue().equals(FLINK_CONF))
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(image.path + " copies no " + FLINK_CONF));
            Map<String, String> settings = Yaml.flatten(Yaml.read(repository.read(config), config));
            assertThat(FlinkDistribution.missingJavaFlags(settings.get(FlinkDistribution.JAVA_OPTS_KEY)))
                    .as("Java flags of the distribution that %s (the %s service's %s) drops", config, name, FLINK_CONF)
                    .isEmpty();
        }
    }

    @Test
    void kubernetesDeploymentRunsWithTheDistributionsJavaOptions() {
        JsonNode flink = KubernetesManifests.read(repository).one("FlinkDeployment");
        Map<String, String> settings = Yaml.flatten(flink.path("spec").path("flinkConfiguration"));
        assertThat(FlinkDistribution.missingJavaFlags(settings.get(FlinkDistribution.JAVA_OPTS_KEY)))
                .as("Java flags of the distribution the FlinkDeployment's flinkConfiguration drops")
                .isEmpty();
    }

    @Test
    void theDeploymentsSetTheDistributionsValueVerbatim() {
        Map<String, String> compose = Yaml.flatten(Yaml.read(repository.read("deploy/flink/config.yaml"), "config.yaml"));
        assertThat(compose.get(FlinkDistribution.JAVA_OPTS_KEY)).isEqualTo(FlinkDistribution.JAVA_OPTS_ALL);
        JsonNode flink = KubernetesManifests.read(repository).one("FlinkDeployment");
        assertThat(Yaml.flatten(flink.path("spec").path("flinkConfiguration")).get(FlinkDistribution.JAVA_OPTS_KEY))
                .isEqualTo(FlinkDistribution.JAVA_OPTS_ALL);
    }
}
