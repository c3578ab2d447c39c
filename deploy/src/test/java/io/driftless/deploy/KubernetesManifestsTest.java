package io.driftless.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftless.job.DriftlessOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** deploy/k8s validates against its resources' schemas and agrees with the build and itself. */
class KubernetesManifestsTest {

    /** What compose's deploy/flink/config.yaml and the FlinkDeployment must set alike. */
    private static final List<String> SHARED_FLINK_SETTINGS = List.of(
            "execution.buffer-timeout.interval", "pipeline.object-reuse", "execution.checkpointing.interval",
            "execution.checkpointing.mode", "execution.checkpointing.unaligned.enabled", "state.backend.type",
            "metrics.reporters", "metrics.reporter.prom.factory.class", "metrics.reporter.prom.port",
            "heartbeat.interval", "heartbeat.timeout", "heartbeat.rpc-failure-threshold", "restart-strategy.type",
            "restart-strategy.exponential-delay.initial-backoff", "jobmanager.execution.failover-strategy",
            "taskmanager.memory.managed.fraction");

    private final Repository repository = Repository.current();
    private final KubernetesManifests k8s = KubernetesManifests.read(repository);
    private final JsonNode flink = k8s.one("FlinkDeployment");
    private final List<String> jobArgs = Yaml.strings(flink.path("spec").path("job").path("args"));

    @Test
    void everyResourceIsValidAgainstItsSchema() {
        CrdSchema flinkSchema = FlinkDeploymentSchema.load(repository);
        SoftAssertions softly = new SoftAssertions();
        assertThat(k8s.resources).hasSizeGreaterThanOrEqualTo(10);
        for (JsonNode resource : k8s.resources) {
            List<String> problems = resource.path("kind").asText().equals("FlinkDeployment")
                    ? flinkSchema.validate(resource)
                    : TypedResource.problems(resource);
            softly.assertThat(problems).as(KubernetesManifests.describe(resource)).isEmpty();
        }
        softly.assertAll();
    }

    @Test
    void flinkDeploymentRunsTheBuildsJobImageAndFlinkVersion() {
        JsonNode spec = flink.path("spec");
        assertThat(spec.path("flinkVersion").asText()).isEqualTo(FlinkDeploymentSchema.flinkVersion(repository));
        ComposeFile compose = ComposeFile.read(repository);
        assertThat(spec.path("image").asText()).isEqualTo(compose.service("jobmanager").image());
        assertThat(spec.path("job").path("entryClass").asText()).isEqualTo(BuildOutputs.jobMainClass(repository));

        Dockerfile image = Dockerfile.read(repository, compose.service("jobmanager").dockerfile());
        String jobJar = "flink-job/target/driftless-job-" + repository.property("project.version") + ".jar";
        assertThat(image.copyTargets).containsKey(jobJar);
        assertThat(spec.path("job").path("jarURI").asText()).isEqualTo("local://" + image.copyTargets.get(jobJar));
        assertThat(spec.path("job").path("upgradeMode").asText()).isEqualTo("last-state");

        Map<String, String> config = flinkConfiguration();
        String plugins = env(spec.path("podTemplate"), "ENABLE_BUILT_IN_PLUGINS");
        assertThat(config.get("execution.checkpointing.dir")).startsWith("s3://");
        assertThat(config.get("high-availability.storageDir")).startsWith("s3://");
        assertThat(plugins).as("the S3 file system plugin of the Flink version in the image")
                .matches("flink-s3-fs-(presto|hadoop)-" + repository.property("flink.version").replace(".", "\\.") + "\\.jar");
        assertThat(image.baseImages).as("the image's Flink release, whose opt/ holds that plugin jar")
                .containsExactly("flink:" + repository.property("flink.version") + "-java" + repository.property("maven.compiler.release"));
    }

    @Test
    void flinkConfigurationHasOnlyRealKeysAndTheSameLatencySettingsAsCompose() {
        Map<String, String> config = flinkConfiguration();
        assertThat(FlinkSettings.load(true).unknown(config.keySet()))
                .as("flinkConfiguration keys that neither Flink nor the operator's autoscaler knows").isEmpty();
        Map<String, String> compose = Yaml.flatten(Yaml.read(repository.read("deploy/flink/config.yaml"), "config.yaml"));
        for (String key : SHARED_FLINK_SETTINGS) {
            assertThat(config.get(key)).as(key).isNotNull().isEqualTo(compose.get(key));
        }
    }

    @Test
    void autoscalerStaysWithinWhatTheFramesTopicCanFeed() {
        Map<String, String> config = flinkConfiguration();
        assertThat(config).containsEntry("job.autoscaler.enabled", "true");
        int min = Integer.parseInt(config.get("job.autoscaler.vertex.min-parallelism"));
        int max = Integer.parseInt(config.get("job.autoscaler.vertex.max-parallelism"));
        double target = Double.parseDouble(config.get("job.autoscaler.target.utilization"));
        int parallelism = flink.path("spec").path("job").path("parallelism").asInt();
        int framePartitions = topic(DriftlessOptions.FRAMES_TOPIC.defaultValue()).path("spec").path("partitions").asInt();
        assertThat(min).isPositive();
        assertThat(max).isGreaterThanOrEqualTo(min).isLessThanOrEqualTo(framePartitions);
        assertThat(parallelism).isBetween(min, max);
        assertThat(target).isStrictlyBetween(0.0, 1.0);
    }

    @Test
    void jobReachesKafkaAndTheInferenceServiceInTheCluster() {
        JsonNode kafka = k8s.one("Kafka");
        String bootstrap = JobArguments.value(jobArgs, "bootstrap-servers");
        List<Integer> plainPorts = new ArrayList<>();
        kafka.path("spec").path("kafka").path("listeners").forEach(l -> {
            if (!l.path("tls").asBoolean() && l.path("type").asText().equals("internal")) {
                plainPorts.add(l.path("port").asInt());
            }
        });
        assertThat(plainPorts).isNotEmpty();
        assertThat(bootstrap).isIn(plainPorts.stream()
                .map(port -> kafka.path("metadata").path("name").asText() + "-kafka-bootstrap:" + port).toList());

        String[] target = JobArguments.value(jobArgs, "inference.target").split(":");
        JsonNode service = k8s.named("Service", target[0]);
        JsonNode port = findPort(service.path("spec").path("ports"), Integer.parseInt(target[1]));
        JsonNode deployment = selectedDeployment(service.path("spec").path("selector"));
        JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").get(0);
        assertThat(namedPorts(container)).as("container ports of %s", KubernetesManifests.describe(deployment))
                .containsEntry(port.path("targetPort").asText(), Integer.parseInt(target[1]));
        assertThat(container.path("readinessProbe").path("grpc").path("port").asInt()).isEqualTo(Integer.parseInt(target[1]));
    }

    @Test
    void kafkaTopicsAreTheJobsTopicsOnTheKafkaClusterOfTheBuildsKafkaLine() {
        JsonNode kafka = k8s.one("Kafka");
        String cluster = kafka.path("metadata").path("name").asText();
        assertThat(kafka.path("spec").path("kafka").path("version").asText())
                .startsWith(repository.minorVersion("kafka.version") + ".");
        Set<String> topics = k8s.ofKind("KafkaTopic").stream()
                .map(t -> t.path("spec").path("topicName").asText()).collect(Collectors.toSet());
        assertThat(topics).containsExactlyInAnyOrder(
                DriftlessOptions.FRAMES_TOPIC.defaultValue(),
                DriftlessOptions.COORDINATES_TOPIC_PATTERN.defaultValue(),
                DriftlessOptions.ANNOTATED_TOPIC_PATTERN.defaultValue(),
                DriftlessOptions.DROPPED_TOPIC.defaultValue());
        assertThat(topic(DriftlessOptions.ANNOTATED_TOPIC_PATTERN.defaultValue()).path("spec").path("config")
                .path("max.message.bytes").asLong())
                .as("annotated frames as large as the largest frame the job accepts, plus room for detections")
                .isEqualTo(DriftlessOptions.MAX_FRAME_SIZE.defaultValue().getBytes() + (64 << 10));
        assertThat(JobArguments.value(jobArgs, "frames-topic")).isNull();
        assertThat(JobArguments.value(jobArgs, "create-topics")).as("topics are KafkaTopic resources").isEqualTo("false");
        assertThat(topic(DriftlessOptions.FRAMES_TOPIC.defaultValue()).path("spec").path("config")
                .path("message.timestamp.type").asText()).isEqualTo("LogAppendTime");

        int brokers = 0;
        for (JsonNode pool : k8s.ofKind("KafkaNodePool")) {
            assertThat(pool.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isEqualTo(cluster);
            if (Yaml.strings(pool.path("spec").path("roles")).contains("broker")) {
                brokers += pool.path("spec").path("replicas").asInt();
            }
        }
        for (JsonNode topic : k8s.ofKind("KafkaTopic")) {
            assertThat(topic.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isEqualTo(cluster);
            assertThat(topic.path("spec").path("replicas").asInt()).isBetween(1, brokers);
        }
    }

    @Test
    void podMonitorsScrapeNamedPortsWhereTheMetricsAre() {
        JsonNode flinkMonitor = podMonitorSelecting("app", flink.path("metadata").path("name").asText());
        JsonNode mainContainer = flink.path("spec").path("podTemplate").path("spec").path("containers").get(0);
        assertThat(mainContainer.path("name").asText()).isEqualTo("flink-main-container");
        int reporterPort = Integer.parseInt(flinkConfiguration().get("metrics.reporter.prom.port"));
        assertThat(namedPorts(mainContainer)).containsEntry(endpointPort(flinkMonitor), reporterPort);

        JsonNode deployment = k8s.named("Deployment", "inference-server");
        JsonNode inferenceMonitor = podMonitorSelecting("app.kubernetes.io/name", "inference-server");
        assertThat(labels(deployment.path("spec").path("template").path("metadata").path("labels")))
                .containsAllEntriesOf(labels(inferenceMonitor.path("spec").path("selector").path("matchLabels")));
        JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").get(0);
        Integer metricsPort = namedPorts(container).get(endpointPort(inferenceMonitor));
        assertThat(metricsPort).as("the port the inference server's PodMonitor names").isNotNull();

        List<String> composeTargets = new ArrayList<>();
        Yaml.read(repository.read("deploy/prometheus/prometheus.yml"), "prometheus.yml").path("scrape_configs")
                .forEach(job -> job.path("static_configs").forEach(c -> composeTargets.addAll(Yaml.strings(c.path("targets")))));
        assertThat(composeTargets).as("compose scrapes the inference server on the same port")
                .contains("inference-server:" + metricsPort);
    }

    @Test
    void inferenceServerScalesOnItsDeploymentWithinBoundsAndRunsTheComposeImage() {
        JsonNode hpa = k8s.named("HorizontalPodAutoscaler", "inference-server");
        JsonNode ref = hpa.path("spec").path("scaleTargetRef");
        JsonNode deployment = k8s.named(ref.path("kind").asText(), ref.path("name").asText());
        int min = hpa.path("spec").path("minReplicas").asInt();
        assertThat(min).isPositive().isLessThanOrEqualTo(hpa.path("spec").path("maxReplicas").asInt());
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(min);
        JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").get(0);
        assertThat(container.path("resources").path("requests").has("cpu"))
                .as("CPU utilization needs a CPU request").isTrue();
        assertThat(container.path("image").asText())
                .isEqualTo(ComposeFile.read(repository).service("inference-server").image());
    }

    @Test
    void webGatewayScalesOnItsStatefulSetReachesTheJobsKafkaAndIsScraped() {
        JsonNode hpa = k8s.named("HorizontalPodAutoscaler", "web-gateway");
        JsonNode ref = hpa.path("spec").path("scaleTargetRef");
        assertThat(ref.path("kind").asText()).as("stable pod names: stable instance ids and reply topics")
                .isEqualTo("StatefulSet");
        JsonNode gateway = k8s.named("StatefulSet", ref.path("name").asText());
        int min = hpa.path("spec").path("minReplicas").asInt();
        assertThat(min).isPositive().isLessThanOrEqualTo(hpa.path("spec").path("maxReplicas").asInt());
        assertThat(gateway.path("spec").path("replicas").asInt()).isEqualTo(min);
        JsonNode pod = gateway.path("spec").path("template");
        JsonNode container = pod.path("spec").path("containers").get(0);
        assertThat(container.path("resources").path("requests").has("cpu"))
                .as("CPU utilization needs a CPU request").isTrue();
        assertThat(container.path("image").asText())
                .isEqualTo(ComposeFile.read(repository).service("web-gateway").image());

        List<String> args = Yaml.strings(container.path("args"));
        assertThat(args).containsSubsequence("--bootstrap-servers", JobArguments.value(jobArgs, "bootstrap-servers"))
                .containsSubsequence("--instance-id", "$(POD_NAME)");
        Map<String, JsonNode> env = new HashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("valueFrom")));
        assertThat(env.get("POD_NAME").path("fieldRef").path("fieldPath").asText()).isEqualTo("metadata.name");
        assertThat(env.get("DRIFTLESS_GATEWAY_TOKEN_KEY").path("secretKeyRef").path("name").asText())
                .as("one token key for every pod, from a secret").isNotBlank();

        JsonNode service = k8s.named("Service", "web-gateway");
        assertThat(labels(pod.path("metadata").path("labels")))
                .containsAllEntriesOf(labels(service.path("spec").path("selector")));
        assertThat(namedPorts(container)).containsKey(service.path("spec").path("ports").get(0).path("targetPort").asText());

        // a session's camera and viewers reach one pod: the Ingress hashes on the session the pages send
        JsonNode ingress = k8s.named("Ingress", "web-gateway");
        assertThat(ingress.path("metadata").path("annotations").path("nginx.ingress.kubernetes.io/upstream-hash-by")
                .asText()).isEqualTo("$arg_session");
        JsonNode backend = ingress.path("spec").path("rules").get(0).path("http").path("paths").get(0).path("backend")
                .path("service");
        assertThat(backend.path("name").asText()).isEqualTo("web-gateway");
        assertThat(backend.path("port").path("name").asText())
                .isEqualTo(service.path("spec").path("ports").get(0).path("name").asText());
        assertThat(ingress.path("spec").path("tls")).as("browsers allow the camera only on https").isNotEmpty();
        assertThat(args).as("the client's address from the Ingress's headers").contains("--trust-forwarded-headers");

        JsonNode monitor = podMonitorSelecting("app.kubernetes.io/name", "web-gateway");
        Integer metricsPort = namedPorts(container).get(endpointPort(monitor));
        assertThat(metricsPort).as("the port the gateway's PodMonitor names").isNotNull();
        List<String> composeTargets = new ArrayList<>();
        Yaml.read(repository.read("deploy/prometheus/prometheus.yml"), "prometheus.yml").path("scrape_configs")
                .forEach(job -> job.path("static_configs").forEach(c -> composeTargets.addAll(Yaml.strings(c.path("targets")))));
        assertThat(composeTargets).as("compose scrapes the gateway on the same port").contains("web-gateway:" + metricsPort);
    }

    @Test
    void kustomizeRendersEveryResourceIntoTheNamespace() throws Exception {
        Assumptions.assumeTrue(Programs.installed("kubectl"),
                "kubectl is not installed: the kustomize rendering is checked where it is");
        Programs.Result kustomize = Programs.run(List.of("kubectl", "kustomize", "--load-restrictor", "LoadRestrictionsNone",
                repository.resolve(KubernetesManifests.DIR).toString()), Duration.ofSeconds(60));
        assertThat(kustomize.exitCode()).as("kubectl kustomize: %s", kustomize.output()).isZero();
        List<JsonNode> rendered = Yaml.readAll(kustomize.output(), "kubectl kustomize output");
        String namespace = k8s.kustomization.path("namespace").asText();
        assertThat(rendered.stream().filter(r -> !r.path("kind").asText().equals("ConfigMap")).count())
                .isEqualTo(k8s.resources.size());
        assertThat(rendered).filteredOn(r -> !r.path("kind").asText().equals("Namespace"))
                .allSatisfy(r -> assertThat(r.path("metadata").path("namespace").asText()).isEqualTo(namespace));
        assertThat(rendered).anySatisfy(r -> assertThat(r.path("metadata").path("labels").path("grafana_dashboard").asText())
                .isEqualTo("1"));
    }

    private Map<String, String> flinkConfiguration() {
        return Yaml.flatten(flink.path("spec").path("flinkConfiguration"));
    }

    private JsonNode topic(String name) {
        return k8s.ofKind("KafkaTopic").stream()
                .filter(t -> t.path("spec").path("topicName").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no KafkaTopic for " + name));
    }

    private JsonNode podMonitorSelecting(String label, String value) {
        return k8s.ofKind("PodMonitor").stream()
                .filter(m -> m.path("spec").path("selector").path("matchLabels").path(label).asText().equals(value))
                .findFirst().orElseThrow(() -> new AssertionError("no PodMonitor selects " + label + "=" + value));
    }

    private JsonNode selectedDeployment(JsonNode selector) {
        Map<String, String> wanted = labels(selector);
        return k8s.ofKind("Deployment").stream()
                .filter(d -> labels(d.path("spec").path("template").path("metadata").path("labels")).entrySet()
                        .containsAll(wanted.entrySet()))
                .findFirst().orElseThrow(() -> new AssertionError("no Deployment has pods labelled " + wanted));
    }

    private static String endpointPort(JsonNode podMonitor) {
        return podMonitor.path("spec").path("podMetricsEndpoints").get(0).path("port").asText();
    }

    private static JsonNode findPort(JsonNode ports, int port) {
        for (JsonNode p : ports) {
            if (p.path("port").asInt() == port) {
                return p;
            }
        }
        throw new AssertionError("no service port " + port + " in " + ports);
    }

    private static Map<String, Integer> namedPorts(JsonNode container) {
        Map<String, Integer> ports = new HashMap<>();
        container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        return ports;
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new HashMap<>();
        node.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    private static String env(JsonNode podTemplate, String name) {
        for (JsonNode container : podTemplate.path("spec").path("containers")) {
            for (JsonNode env : container.path("env")) {
                if (env.path("name").asText().equals(name)) {
                    return env.path("value").asText();
                }
            }
        }
        throw new AssertionError("the pod template sets no " + name);
    }
}
