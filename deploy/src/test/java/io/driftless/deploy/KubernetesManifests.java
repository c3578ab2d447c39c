package io.driftless.deploy;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The resources deploy/k8s/kustomization.yaml puts together, read from its resource files. */
final class KubernetesManifests {

    static final String DIR = "deploy/k8s";
    static final String KUSTOMIZATION = DIR + "/kustomization.yaml";

    final JsonNode kustomization;
    final List<String> resourceFiles;
    final List<JsonNode> resources = new ArrayList<>();

    private KubernetesManifests(Repository repository) {
        this.kustomization = Yaml.read(repository.read(KUSTOMIZATION), KUSTOMIZATION);
        this.resourceFiles = Yaml.strings(kustomization.path("resources"));
        for (String file : resourceFiles) {
            String path = DIR + "/" + file;
            if (!repository.exists(path)) {
                fail(KUSTOMIZATION + " lists " + file + ", which does not exist in " + DIR);
            }
            resources.addAll(Yaml.readAll(repository.read(path), path));
        }
    }

    static KubernetesManifests read(Repository repository) {
        return new KubernetesManifests(repository);
    }

    List<JsonNode> ofKind(String kind) {
        return resources.stream().filter(r -> r.path("kind").asText().equals(kind)).toList();
    }

    JsonNode one(String kind) {
        List<JsonNode> found = ofKind(kind);
        return found.size() == 1 ? found.get(0) : fail("expected one " + kind + " in " + DIR + ", found " + found.size());
    }

    JsonNode named(String kind, String name) {
        return ofKind(kind).stream()
                .filter(r -> r.path("metadata").path("name").asText().equals(name))
                .findFirst()
                .orElseGet(() -> fail("no " + kind + " named " + name + " in " + DIR));
    }

    /** The dashboard files the Grafana ConfigMap generator reads, relative to deploy/k8s. */
    List<String> dashboardConfigMapFiles() {
        List<String> files = new ArrayList<>();
        for (JsonNode generator : kustomization.path("configMapGenerator")) {
            if (generator.path("options").path("labels").has("grafana_dashboard")) {
                files.addAll(Yaml.strings(generator.path("files")));
            }
        }
        return files;
    }

    static String describe(JsonNode resource) {
        return resource.path("kind").asText() + " " + resource.path("metadata").path("name").asText();
    }
}
