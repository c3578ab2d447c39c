package io.driftless.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each deployment starts the job with options the job has and values it accepts. */
class JobArgumentsTest {

    private final Repository repository = Repository.current();
    private final FlinkSettings flink = FlinkSettings.load(false);

    @Test
    void everyDeploymentPassesTheJobOnlyOptionsItAccepts() {
        List<String> compose = ComposeDeployment.jobArguments(ComposeFile.read(repository));
        List<String> k8s = Yaml.strings(KubernetesManifests.read(repository).one("FlinkDeployment")
                .path("spec").path("job").path("args"));
        assertThat(JobArguments.problems(compose, flink)).as("docker-compose.yml job arguments %s", compose).isEmpty();
        assertThat(JobArguments.problems(k8s, flink)).as("FlinkDeployment job arguments %s", k8s).isEmpty();
        for (List<String> args : List.of(compose, k8s)) {
            assertThat(JobArguments.value(args, "inference.backend")).isEqualTo("remote");
        }
    }

    @Test
    void aMisspeltJobOptionIsCaught() {
        assertThat(JobArguments.problems(List.of("--bootstrap-servers", "kafka:9092", "--frames-topik", "x"), flink))
                .singleElement().asString().contains("unknown option --frames-topik");
    }

    @Test
    void aValueTheJobRejectsIsCaught() {
        assertThat(JobArguments.problems(List.of("--bootstrap-servers", "kafka:9092", "--topic-partitions", "0"), flink))
                .singleElement().asString().contains("driftless.topic-partitions must be at least 1");
    }

    @Test
    void aFlinkKeyFlinkDoesNotKnowIsCaughtAndOneItKnowsPasses() {
        assertThat(JobArguments.problems(
                List.of("--bootstrap-servers", "kafka:9092", "--execution.buffer-timeout.intervall", "0 ms"), flink))
                .containsExactly("--execution.buffer-timeout.intervall is passed to Flink, but Flink has no such option");
        assertThat(JobArguments.problems(
                List.of("--bootstrap-servers", "kafka:9092", "--execution.buffer-timeout.interval", "0 ms"), flink))
                .isEmpty();
    }
}
