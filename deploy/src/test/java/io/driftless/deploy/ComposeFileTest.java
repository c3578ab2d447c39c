package io.driftless.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftless.deploy.ComposeFile.Service;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;
import org.apache.kafka.common.Uuid;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** docker-compose.yml and the files it builds and mounts agree with the build and with each other. */
class ComposeFileTest {

    private static final String FLINK_CONFIG = "deploy/flink/config.yaml";

    private final Repository repository = Repository.current();
    private final ComposeFile compose = ComposeFile.read(repository);

    @Test
    void everyRepositoryFileTheServicesBuildFromOrMountExists() {
        SoftAssertions softly = new SoftAssertions();
        for (Service service : compose.services()) {
            if (service.builds()) {
                softly.assertThat(repository.exists(service.buildContext()))
                        .as("build context of %s", service.name()).isTrue();
                softly.assertThat(repository.exists(service.dockerfile()))
                        .as("Dockerfile of %s", service.name()).isTrue();
            }
            for (String source : service.bindMounts().keySet()) {
                // build outputs are checked against the POMs; Grafana's files by GrafanaWiringTest
                if (!BuildOutputs.isBuildOutput(source) && !source.startsWith(GrafanaWiring.ROOT)) {
                    softly.assertThat(repository.exists(source))
                            .as("%s mounts ./%s", service.name(), source).isTrue();
                }
            }
        }
        for (Dockerfile dockerfile : BuildOutputs.dockerfiles(repository)) {
            for (String source : dockerfile.copySources) {
                if (!BuildOutputs.isBuildOutput(source)) {
                    softly.assertThat(repository.exists(source)).as("%s copies %s", dockerfile.path, source).isTrue();
                }
                softly.assertThat(BuildOutputs.dockerIgnoreLetsThrough(repository, source))
                        .as("%s copies %s, which .dockerignore keeps out of the build context", dockerfile.path, source)
                        .isTrue();
            }
        }
        softly.assertAll();
    }

    @Test
    void imagesArePinnedReleasesAndLocalImagesCarryTheProjectVersion() {
        List<String> images = new ArrayList<>();
        for (Service service : compose.services()) {
            if (service.builds()) {
                assertThat(service.image()).as("image %s builds", service.name())
                        .endsWith(":" + repository.property("project.version"));
            } else {
                images.add(service.image());
            }
        }
        BuildOutputs.dockerfiles(repository).forEach(d -> images.addAll(d.baseImages));
        assertThat(images).isNotEmpty().allSatisfy(image -> assertThat(ImageTags.isPinnedRelease(image))
                .as("image %s: pin a release tag (major.minor.patch)", image).isTrue());
    }

    @Test
    void flinkImageRunsTheBuildsFlinkVersionOnItsJavaRelease() {
        Dockerfile job = Dockerfile.read(repository, compose.service("jobmanager").dockerfile());
        assertThat(job.baseImages).hasSize(1);
        String tag = job.baseImages.get(0);
        assertThat(tag).startsWith("flink:" + repository.minorVersion("flink.version") + ".")
                .endsWith("-java" + repository.property("maven.compiler.release"));
        assertThat(compose.service("taskmanager").image()).isEqualTo(compose.service("jobmanager").image());
    }

    @Test
    void kafkaImageIsOnTheLineOfTheKafkaClients() {
        assertThat(compose.service("kafka").image())
                .startsWith("apache/kafka:" + repository.minorVersion("kafka.version") + ".");
    }

    @Test
    void kafkaEnvironmentSetsRealBrokerSettingsAndListensWhereClientsConnect() {
        Service kafka = compose.service("kafka");
        Map<String, String> env = kafka.environment();
        List<String> unknown = new ArrayList<>();
        env.keySet().stream()
                .filter(KafkaBrokerSettings::isBrokerSetting)
                .filter(variable -> !KafkaBrokerSettings.knows(KafkaBrokerSettings.propertyOf(variable)))
                .forEach(unknown::add);
        assertThat(unknown).as("KAFKA_* variables that set no Kafka broker setting").isEmpty();
        assertThat(Uuid.fromString(env.get("CLUSTER_ID"))).as("CLUSTER_ID, a base64 UUID").isNotNull();

        List<String> advertised = List.of(env.get("KAFKA_ADVERTISED_LISTENERS").split(","));
        String jobBootstrap = JobArguments.value(ComposeDeployment.jobArguments(compose), "bootstrap-servers");
        String clientBootstrap = ComposeDeployment.frameSourceArgument(compose, "--bootstrap-servers");
        for (String bootstrap : List.of(jobBootstrap, clientBootstrap)) {
            assertThat(advertised).as("advertised listeners serving %s", bootstrap)
                    .anySatisfy(listener -> assertThat(listener).endsWith("://" + bootstrap));
            assertThat(bootstrap).startsWith("kafka:");
        }
        for (String listener : env.get("KAFKA_LISTENERS").split(",")) {
            int port = Integer.parseInt(listener.substring(listener.lastIndexOf(':') + 1));
            if (!listener.startsWith("CONTROLLER")) {
                assertThat(advertised).as("an advertised address for listener %s", listener)
                        .anySatisfy(a -> assertThat(a).endsWith(":" + port));
            }
        }
    }

    @Test
    void flinkConfigurationHasOnlyRealKeysAndTheLowLatencySettings() {
        Map<String, String> config = flinkConfig();
        assertThat(FlinkSettings.load(false).unknown(config.keySet()))
                .as("keys in %s that Flink does not know", FLINK_CONFIG).isEmpty();
        assertThat(config)
                .containsEntry("execution.buffer-timeout.interval", "0 ms")
                .containsKey("execution.checkpointing.interval")
                .containsEntry("metrics.reporter.prom.factory.class", PrometheusReporterFactory.class.getName());
        assertThat(config.get("execution.checkpointing.dir")).startsWith("file:///flink-data/");
        for (String service : List.of("jobmanager", "taskmanager")) {
            assertThat(compose.service(service).node().path("volumes").toString())
                    .as("%s mounts the checkpoint volume", service).contains(":/flink-data");
        }
        assertThat(config.get("jobmanager.rpc.address")).isIn(compose.serviceNames());
    }

    @Test
    void prometheusScrapesThePortsTheServicesListenOn() {
        JsonNode prometheus = Yaml.read(repository.read("deploy/prometheus/prometheus.yml"), "prometheus.yml");
        Service server = compose.service("prometheus");
        assertThat(server.bindMounts()).containsEntry("deploy/prometheus/prometheus.yml", "/etc/prometheus/prometheus.yml");
        int reporterPort = Integer.parseInt(flinkConfig().get("metrics.reporter.prom.port"));
        List<String> scraped = new ArrayList<>();
        for (JsonNode job : prometheus.path("scrape_configs")) {
            for (JsonNode targets : job.path("static_configs")) {
                for (String target : Yaml.strings(targets.path("targets"))) {
                    String[] hostPort = target.split(":");
                    scraped.add(hostPort[0]);
                    assertListensOn(hostPort[0], Integer.parseInt(hostPort[1]), reporterPort);
                }
            }
            for (JsonNode dns : job.path("dns_sd_configs")) {
                for (String name : Yaml.strings(dns.path("names"))) {
                    scraped.add(name);
                    assertListensOn(name, dns.path("port").asInt(), reporterPort);
                }
            }
        }
        assertThat(scraped).as("services Prometheus scrapes")
                .contains("jobmanager", "taskmanager", "inference-server", "web-gateway");
    }

    @Test
    void prometheusAcceptsItsConfiguration() throws Exception {
        Assumptions.assumeTrue(Programs.installed("promtool"),
                "promtool (Debian's prometheus package) is not installed: the configuration is checked where it is");
        Programs.Result check = Programs.run(List.of("promtool", "check", "config",
                repository.resolve("deploy/prometheus/prometheus.yml").toString()), Duration.ofSeconds(60));
        assertThat(check.exitCode()).as("promtool check config: %s", check.output()).isZero();
    }

    @Test
    void everyLongRunningServiceHasAHealthCheckAndStartsAfterWhatItNeeds() {
        SoftAssertions softly = new SoftAssertions();
        for (Service service : compose.services()) {
            if (service.profiles().isEmpty()) {
                softly.assertThat(service.healthcheck().path("test").isMissingNode())
                        .as("%s has a health check", service.name()).isFalse();
            }
            service.dependsOn().forEach((dependency, condition) -> {
                softly.assertThat(compose.serviceNames()).as("%s depends on", service.name()).contains(dependency);
                softly.assertThat(condition).as("%s waits for %s", service.name(), dependency).isEqualTo("service_healthy");
            });
        }
        softly.assertAll();
        assertThat(compose.service("jobmanager").dependsOn()).containsKeys("kafka", "inference-server");
        assertThat(compose.service("taskmanager").dependsOn()).containsKey("jobmanager");
        assertThat(compose.service("grafana").dependsOn()).containsKey("prometheus");
    }

    @Test
    void jobManagerRunsTheJobsMainClassInApplicationMode() {
        List<String> command = compose.service("jobmanager").command();
        assertThat(command.get(0)).isEqualTo("standalone-job");
        assertThat(command).containsSubsequence("--job-classname", BuildOutputs.jobMainClass(repository));
        assertThat(compose.service("taskmanager").command()).containsExactly("taskmanager");
    }

    @Test
    void clientProfileRunsFrameSourceWithOptionsItAccepts() {
        Service client = compose.service("frame-source");
        assertThat(client.profiles()).containsExactly("client");
        List<String> args = ComposeDeployment.frameSourceArguments(compose);
        assertThat(args.get(0)).isEqualTo("synthetic");
        assertThat(FrameSourceArguments.problem(args)).as("frame-source %s", args).isNull();
    }

    private void assertListensOn(String host, int port, int reporterPort) {
        Service service = compose.service(host);
        assertThat(service.containerPorts()).as("ports %s exposes", host).contains(port);
        if (host.equals("jobmanager") || host.equals("taskmanager")) {
            assertThat(port).as("Flink's Prometheus reporter port in %s", FLINK_CONFIG).isEqualTo(reporterPort);
        }
        if (service.builds()) {
            Set<Integer> exposed = Dockerfile.read(repository, service.dockerfile()).exposedPorts;
            assertThat(exposed.isEmpty() || exposed.contains(port)).as("%s's Dockerfile exposes %d", host, port).isTrue();
        }
    }

    private Map<String, String> flinkConfig() {
        return Yaml.flatten(Yaml.read(repository.read(FLINK_CONFIG), FLINK_CONFIG));
    }
}
