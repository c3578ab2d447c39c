package io.driftless.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftless.local.testutils.GrafanaDashboard;
import io.driftless.local.testutils.GrafanaDashboard.Panel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What can be checked about the dashboards without a Prometheus (that is
 * {@code DashboardQueriesITCase}): they parse, every panel has queries, every variable a query
 * uses is defined, and they use the datasource the provisioning defines.
 */
class DashboardFilesTest {

    private static final Path GRAFANA = Path.of("..", "deploy", "grafana");

    @Test
    void everyPanelHasQueriesThatResolveWithTheDashboardsOwnVariables() throws Exception {
        List<GrafanaDashboard> dashboards = dashboards();
        assertThat(dashboards).extracting(GrafanaDashboard::fileName)
                .containsExactly("driftless-inference.json", "driftless-pipeline.json");
        for (GrafanaDashboard dashboard : dashboards) {
            for (Panel panel : dashboard.panels()) {
                if (panel.isRow()) {
                    continue;
                }
                assertThat(panel.targets()).as("%s: %s", dashboard.fileName(), panel.title()).isNotEmpty();
                panel.targets().forEach(t -> assertThat(dashboard.resolve(t.expr())).doesNotContain("$"));
            }
        }
    }

    @Test
    void aQueryWithAnUndefinedVariableIsRefusedByName() throws Exception {
        GrafanaDashboard pipeline = GrafanaDashboard.read(GRAFANA.resolve("dashboards/driftless-pipeline.json"));
        assertThatThrownBy(() -> pipeline.resolve("up{instance=~\"$host\"}"))
                .hasMessageContaining("$host").hasMessageContaining("does not define");
    }

    @Test
    void panelsUseTheProvisionedDatasourceAndDashboardsHaveDistinctUids() throws Exception {
        String datasources = Files.readString(GRAFANA.resolve("provisioning/datasources/prometheus.yaml"));
        assertThat(datasources).contains("uid: prometheus").contains("url: http://prometheus:9090");
        assertThat(Files.readString(GRAFANA.resolve("provisioning/dashboards/driftless.yaml")))
                .contains("path: /var/lib/grafana/dashboards");
        Set<String> uids = new HashSet<>();
        for (Path file : files()) {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            assertThat(uids.add(root.path("uid").asText())).as("unique uid of %s", file).isTrue();
            List<String> datasourceUids = new ArrayList<>();
            root.findValues("datasource").forEach(d -> datasourceUids.add(d.path("uid").asText()));
            assertThat(datasourceUids).as("datasources of %s", file).isNotEmpty().containsOnly("prometheus");
        }
    }

    private static List<GrafanaDashboard> dashboards() throws Exception {
        return files().stream().map(GrafanaDashboard::read).toList();
    }

    private static List<Path> files() throws Exception {
        try (Stream<Path> files = Files.list(GRAFANA.resolve("dashboards"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }
}
