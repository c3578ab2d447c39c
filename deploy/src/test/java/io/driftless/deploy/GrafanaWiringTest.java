package io.driftless.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftless.deploy.ComposeFile.Service;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Both deployments provision Grafana with the Prometheus they run and every dashboard there is. */
class GrafanaWiringTest {

    private final Repository repository = Repository.current();

    @Test
    void composeAndKubernetesProvisionEveryDashboard() {
        List<String> dashboards = GrafanaWiring.dashboards(repository.resolve(GrafanaWiring.DASHBOARDS));
        assertThat(dashboards).as("Grafana dashboards (*.json) in %s, which both deployments provision",
                GrafanaWiring.DASHBOARDS).isNotEmpty();

        ComposeFile compose = ComposeFile.read(repository);
        Service grafana = compose.service("grafana");
        Map<String, String> mounts = grafana.bindMounts();
        assertThat(mounts).containsEntry(GrafanaWiring.DATASOURCES, "/etc/grafana/provisioning/datasources")
                .containsEntry(GrafanaWiring.PROVIDERS, "/etc/grafana/provisioning/dashboards");
        JsonNode provider = Yaml.read(repository.read(GrafanaWiring.PROVIDER), GrafanaWiring.PROVIDER);
        String loadedFrom = provider.path("providers").get(0).path("options").path("path").asText();
        assertThat(mounts).as("the folder %s loads dashboards from", GrafanaWiring.PROVIDER)
                .containsEntry(GrafanaWiring.DASHBOARDS, loadedFrom);

        JsonNode datasources = Yaml.read(repository.read(GrafanaWiring.DATASOURCE), GrafanaWiring.DATASOURCE);
        String url = datasources.path("datasources").get(0).path("url").asText();
        String[] hostPort = url.replaceFirst("^https?://", "").replaceFirst("/.*$", "").split(":");
        assertThat(compose.service(hostPort[0]).image()).startsWith("prom/prometheus:");
        assertThat(compose.service(hostPort[0]).containerPorts()).contains(Integer.parseInt(hostPort[1]));

        List<String> configMapFiles = KubernetesManifests.read(repository).dashboardConfigMapFiles();
        assertThat(GrafanaWiring.missingFromConfigMap(dashboards, configMapFiles))
                .as("dashboards missing from the ConfigMap generator in %s: add these lines to its files",
                        KubernetesManifests.KUSTOMIZATION)
                .isEmpty();
        assertThat(GrafanaWiring.staleInConfigMap(dashboards, configMapFiles))
                .as("ConfigMap entries in %s without a dashboard file", KubernetesManifests.KUSTOMIZATION)
                .isEmpty();
        long bytes = 0;
        for (String dashboard : dashboards) {
            bytes += repository.read(GrafanaWiring.DASHBOARDS + "/" + dashboard).getBytes(StandardCharsets.UTF_8).length;
        }
        assertThat(bytes).as("the dashboards' size: one ConfigMap holds at most 1 MiB; split the generator if it grows")
                .isLessThan(GrafanaWiring.CONFIG_MAP_LIMIT_BYTES);
    }

    @Test
    void configMapCoverageNamesEachMissingDashboardAndEachStaleEntry() {
        List<String> dashboards = List.of("inference.json", "pipeline.json");
        List<String> configMap = List.of("../grafana/dashboards/pipeline.json", "../grafana/dashboards/old.json");
        assertThat(GrafanaWiring.missingFromConfigMap(dashboards, configMap))
                .containsExactly("- ../grafana/dashboards/inference.json");
        assertThat(GrafanaWiring.staleInConfigMap(dashboards, configMap))
                .containsExactly("../grafana/dashboards/old.json");
    }
}
