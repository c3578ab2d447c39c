package io.driftless.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the Grafana dashboards live and how both deployments pick them up: compose mounts the
 * folder, Kubernetes turns each file into a key of one ConfigMap. One copy of each dashboard.
 */
final class GrafanaWiring {

    static final String ROOT = "deploy/grafana";
    static final String DASHBOARDS = ROOT + "/dashboards";
    static final String DATASOURCES = ROOT + "/provisioning/datasources";
    static final String DATASOURCE = DATASOURCES + "/prometheus.yaml";
    static final String PROVIDERS = ROOT + "/provisioning/dashboards";
    static final String PROVIDER = PROVIDERS + "/driftless.yaml";
    /** How deploy/k8s/kustomization.yaml reaches the dashboards folder. */
    static final String FROM_KUSTOMIZATION = "../grafana/dashboards/";

    /** What the API server accepts in one ConfigMap, less room for its metadata. */
    static final long CONFIG_MAP_LIMIT_BYTES = 1_000_000;

    private GrafanaWiring() {}

    /** The dashboard files in {@code folder}, sorted; each must parse as a JSON dashboard. */
    static List<String> dashboards(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode dashboard = Yaml.JSON.readTree(file.toFile());
                if (!dashboard.has("panels") && !dashboard.has("title")) {
                    throw new IllegalStateException(file + " is JSON but no Grafana dashboard (no title, no panels)");
                }
                names.add(file.getFileName().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dashboards in " + folder, e);
        }
        return names;
    }

    /** Lines to add to deploy/k8s/kustomization.yaml's dashboard generator, one per missing file. */
    static List<String> missingFromConfigMap(List<String> dashboards, List<String> configMapFiles) {
        return dashboards.stream()
                .map(name -> FROM_KUSTOMIZATION + name)
                .filter(file -> !configMapFiles.contains(file))
                .map(file -> "- " + file)
                .toList();
    }

    /** ConfigMap entries whose dashboard file does not exist. */
    static List<String> staleInConfigMap(List<String> dashboards, List<String> configMapFiles) {
        return configMapFiles.stream()
                .filter(file -> !file.startsWith(FROM_KUSTOMIZATION)
                        || !dashboards.contains(file.substring(FROM_KUSTOMIZATION.length())))
                .toList();
    }
}
