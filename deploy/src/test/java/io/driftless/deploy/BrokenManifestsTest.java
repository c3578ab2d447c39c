package io.driftless.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schema checks catch what a cluster would reject: deliberately broken resources. */
class BrokenManifestsTest {

    private final Repository repository = Repository.current();

    @Test
    void flinkDeploymentWithAMisspeltFieldIsRejected() {
        JsonNode resource = Yaml.read("""
                apiVersion: flink.apache.org/v1beta1
                kind: FlinkDeployment
                metadata: {name: broken}
                spec:
                  image: driftless/flink-job:0.1.0-SNAPSHOT
                  flinkVersion: v2_2
                  jobManger: {replicas: 1}
                """, "fixture");
        assertThat(FlinkDeploymentSchema.load(repository).validate(resource)).singleElement().asString().contains("jobManger");
    }

    @Test
    void flinkDeploymentWithAFlinkVersionTheOperatorDoesNotKnowIsRejected() {
        JsonNode resource = Yaml.read("""
                apiVersion: flink.apache.org/v1beta1
                kind: FlinkDeployment
                metadata: {name: broken}
                spec:
                  flinkVersion: v2_9
                  job: {upgradeMode: last-state, parallelism: two}
                """, "fixture");
        List<String> problems = FlinkDeploymentSchema.load(repository).validate(resource);
        assertThat(problems).hasSize(2);
        assertThat(String.join("\n", problems)).contains("flinkVersion").contains("parallelism");
    }

    @Test
    void deploymentWithAnUnknownFieldIsRejected() {
        assertThat(TypedResource.problems(Yaml.read("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: broken}
                spec:
                  replica: 2
                """, "fixture"))).singleElement().asString().contains("replica");
    }

    @Test
    void autoscalerWithAValueOfTheWrongTypeIsRejected() {
        assertThat(TypedResource.problems(Yaml.read("""
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata: {name: broken}
                spec:
                  minReplicas: two
                """, "fixture"))).singleElement().asString().contains("minReplicas");
    }

    @Test
    void strimziTopicAndPodMonitorWithMisspeltFieldsAreRejected() {
        assertThat(TypedResource.problems(Yaml.read("""
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaTopic
                metadata: {name: broken}
                spec:
                  partition: 8
                """, "fixture"))).singleElement().asString().contains("partition");
        assertThat(TypedResource.problems(Yaml.read("""
                apiVersion: monitoring.coreos.com/v1
                kind: PodMonitor
                metadata: {name: broken}
                spec:
                  podMetricEndpoints: [{port: metrics}]
                """, "fixture"))).singleElement().asString().contains("podMetricEndpoints");
    }

    @Test
    void aKindWithoutAModelIsReportedNotPassed() {
        assertThat(TypedResource.problems(Yaml.read("""
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: broken}
                """, "fixture"))).singleElement().asString().contains("no model for example.com/v1/Widget");
    }

    @Test
    void frameSourceRefusesAnOptionItDoesNotHave() {
        assertThat(FrameSourceArguments.problem(List.of("synthetic", "--bootstrap-servers", "kafka:9092"))).isNull();
        assertThat(FrameSourceArguments.problem(List.of("synthetic", "--bootstrap-servers", "kafka:9092", "--userz", "5")))
                .contains("--userz");
        assertThat(FrameSourceArguments.problem(List.of("synthetic", "--users", "many"))).contains("many");
    }

    @Test
    void floatingImageTagsAreNotPinned() {
        assertThat(ImageTags.isPinnedRelease("flink:2.2.1-java17")).isTrue();
        assertThat(ImageTags.isPinnedRelease("prom/prometheus:v3.5.0")).isTrue();
        assertThat(ImageTags.isPinnedRelease("eclipse-temurin:17.0.16_8-jre")).isTrue();
        assertThat(ImageTags.isPinnedRelease("grafana/grafana:latest")).isFalse();
        assertThat(ImageTags.isPinnedRelease("grafana/grafana")).isFalse();
        assertThat(ImageTags.isPinnedRelease("flink:2.2-java17")).isFalse();
        assertThat(ImageTags.isPinnedRelease("flink:java17")).isFalse();
    }

    @Test
    void kafkaEnvironmentNamesMapToBrokerSettingsByTheImagesRule() {
        assertThat(KafkaBrokerSettings.propertyOf("KAFKA_CONTROLLER_QUORUM_VOTERS")).isEqualTo("controller.quorum.voters");
        assertThat(KafkaBrokerSettings.knows("controller.quorum.voters")).isTrue();
        assertThat(KafkaBrokerSettings.knows(KafkaBrokerSettings.propertyOf("KAFKA_NUM_PARTITION"))).isFalse();
        assertThat(KafkaBrokerSettings.isBrokerSetting("KAFKA_HEAP_OPTS")).isFalse();
    }
}
