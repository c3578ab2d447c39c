package io.driftless.deploy;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** docker-compose.yml as the checks see it: services, their images, commands, mounts and ports. */
final class ComposeFile {

    static final String PATH = "docker-compose.yml";

    private final Map<String, Service> services = new LinkedHashMap<>();

    private ComposeFile(JsonNode root) {
        JsonNode nodes = root.path("services");
        if (!nodes.isObject() || nodes.isEmpty()) {
            fail(PATH + " has no services");
        }
        nodes.properties().forEach(e -> services.put(e.getKey(), new Service(e.getKey(), e.getValue())));
    }

    static ComposeFile read(Repository repository) {
        return parse(repository.read(PATH));
    }

    static ComposeFile parse(String yaml) {
        return new ComposeFile(Yaml.read(yaml, PATH));
    }

    Set<String> serviceNames() {
        return services.keySet();
    }

    List<Service> services() {
        return new ArrayList<>(services.values());
    }

    Service service(String name) {
        Service service = services.get(name);
        if (service == null) {
            return fail(PATH + " has no service '" + name + "'; it has " + services.keySet());
        }
        return service;
    }

    /** One service of the compose file. */
    record Service(String name, JsonNode node) {

        String image() {
            return node.path("image").asText(null);
        }

        boolean builds() {
            return node.has("build");
        }

        String buildContext() {
            JsonNode build = node.path("build");
            return build.isTextual() ? build.asText() : build.path("context").asText(".");
        }

        String dockerfile() {
            JsonNode build = node.path("build");
            String file = build.isObject() ? build.path("dockerfile").asText("Dockerfile") : "Dockerfile";
            return buildContext().equals(".") ? file : buildContext() + "/" + file;
        }

        List<String> command() {
            JsonNode command = node.path("command");
            return command.isTextual() ? Arrays.asList(command.asText().trim().split("\\s+")) : Yaml.strings(command);
        }

        /** Host paths mounted into the container, repository-relative, mapped to their targets. */
        Map<String, String> bindMounts() {
            Map<String, String> mounts = new LinkedHashMap<>();
            for (JsonNode volume : node.path("volumes")) {
                String source;
                String target;
                if (volume.isTextual()) {
                    String[] parts = volume.asText().split(":");
                    source = parts[0];
                    target = parts.length > 1 ? parts[1] : parts[0];
                } else {
                    if (!volume.path("type").asText().equals("bind")) {
                        continue;
                    }
                    source = volume.path("source").asText();
                    target = volume.path("target").asText();
                }
                if (source.startsWith("./")) {
                    mounts.put(source.substring(2), target);
                } else if (source.startsWith("/") || source.startsWith("..")) {
                    fail("service " + name + " mounts " + source + ": mount files of this repository with ./ paths");
                }
            }
            return mounts;
        }

        /** The container ports the service publishes or exposes to the compose network. */
        Set<Integer> containerPorts() {
            Set<Integer> ports = new LinkedHashSet<>();
            for (JsonNode port : node.path("ports")) {
                String spec = port.isObject() ? port.path("target").asText() : port.asText();
                String[] parts = spec.split("/")[0].split(":");
                ports.add(Integer.parseInt(parts[parts.length - 1]));
            }
            for (JsonNode port : node.path("expose")) {
                ports.add(Integer.parseInt(port.asText().split("/")[0]));
            }
            return ports;
        }

        Map<String, String> environment() {
            Map<String, String> env = new LinkedHashMap<>();
            JsonNode environment = node.path("environment");
            if (environment.isObject()) {
                environment.properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
            } else {
                for (JsonNode entry : environment) {
                    String[] kv = entry.asText().split("=", 2);
                    env.put(kv[0], kv.length > 1 ? kv[1] : "");
                }
            }
            return env;
        }

        JsonNode healthcheck() {
            return node.path("healthcheck");
        }

        /** Services this one waits for, with the condition it waits on. */
        Map<String, String> dependsOn() {
            Map<String, String> deps = new LinkedHashMap<>();
            JsonNode dependsOn = node.path("depends_on");
            if (dependsOn.isArray()) {
                dependsOn.forEach(d -> deps.put(d.asText(), "service_started"));
            } else {
                dependsOn.properties().forEach(e ->
                        deps.put(e.getKey(), e.getValue().path("condition").asText("service_started")));
            }
            return deps;
        }

        List<String> profiles() {
            return Yaml.strings(node.path("profiles"));
        }
    }
}
