package io.driftless.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftless.inference.service.OnnxPoseInferenceFactory;
import io.driftless.inference.remote.ClientTls;
import io.driftless.inference.remote.InFlightLimitOptions;
import io.driftless.job.gate.SessionRateCap;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.junit.jupiter.api.Test;

class JobConfigTest {

    private static JobConfig fromArgs(String... args) {
        CommandLine cli = CommandLine.parse(args);
        return JobConfig.from(cli.settings(), cli.kafkaProperties());
    }

    @Test
    void defaultsAreTheLowLatencyOnes() {
        JobConfig config = fromArgs("--bootstrap-servers", "kafka:9092");
        assertThat(config.bootstrapServers).isEqualTo("kafka:9092");
        assertThat(config.defaultDeadline).isEqualTo(Duration.ofMillis(33));
        assertThat(config.framesTopic).isEqualTo("driftless.frames");
        assertThat(config.coordinatesTopicPattern).isEqualTo("driftless.ar-coordinates");
        assertThat(config.droppedTopic).isEqualTo("driftless.dropped");

        Configuration flink = new Configuration();
        JobConfig.applyFlinkDefaults(flink);
        assertThat(flink.get(ExecutionOptions.BUFFER_TIMEOUT)).isEqualTo(Duration.ZERO);
    }

    @Test
    void acceptsOptionsWithOrWithoutThePrefixAndWithEquals() {
        JobConfig config = fromArgs("--bootstrap-servers=k:1", "--driftless.deadline", "50 ms",
                "--inference.max-batch-size", "8", "--render.smoothing", "NONE");
        assertThat(config.defaultDeadline).isEqualTo(Duration.ofMillis(50));
        assertThat(config.maxBatchSize).isEqualTo(8);
        assertThat(config.smoothing).isEqualTo(DriftlessOptions.Smoothing.NONE);
    }

    @Test
    void aUsersImageModelIsItsFolderInProcessAndTheNameTheServerServesRemotely() {
        assertThat(fromArgs("--bootstrap-servers", "k:1").imageModels).isEmpty();
        assertThat(fromArgs("--bootstrap-servers", "k:1", "--model", "/models/yolo11n").imageModels)
                .containsExactly("/models/yolo11n");
        assertThat(fromArgs("--bootstrap-servers", "k:1", "--model.image", "/models/resnet").imageModels)
                .containsExactly("/models/resnet");
        assertThat(fromArgs("--bootstrap-servers", "k:1", "--model", "/models/yolo11n;/models/resnet").imageModels)
                .as("several, the first for frames that name none")
                .containsExactly("/models/yolo11n", "/models/resnet");
        JobConfig remote = fromArgs("--bootstrap-servers", "k:1", "--model", "yolo11n;resnet", "--inference", "remote",
                "--inference-target", "localhost:50051");
        assertThat(DriftlessJob.faceInference(remote).key()).contains("|yolo11n|", "|resnet|");
        assertThat(DriftlessJob.faceInference(fromArgs("--bootstrap-servers", "k:1", "--inference", "remote",
                "--inference-target", "localhost:50051")).key()).contains("|blazeface-short-range|");
    }

    @Test
    void refusesAnImageModelNamedTwice() {
        assertThatThrownBy(() -> fromArgs("--bootstrap-servers", "k:1", "--model", "/models/a;/models/a"))
                .hasMessageContaining("driftless.model.image names a model twice");
    }

    @Test
    void passesKafkaPropertiesThroughWithoutTheirPrefix() {
        JobConfig config = fromArgs("--bootstrap-servers", "k:1", "--kafka.security.protocol", "SSL");
        assertThat(config.kafkaProperties()).containsEntry("security.protocol", "SSL");
    }

    @Test
    void passesFlinkSettingsThroughAndKeepsTheUsersChoice() {
        CommandLine cli = CommandLine.parse(new String[] {
            "--bootstrap-servers", "k:1", "--execution.buffer-timeout.interval", "5 ms"});
        Configuration flink = new Configuration(cli.settings());
        JobConfig.applyFlinkDefaults(flink);
        assertThat(flink.get(ExecutionOptions.BUFFER_TIMEOUT)).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void requiresBootstrapServersAndSaysHowToSetThem() {
        assertThatThrownBy(() -> fromArgs())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--bootstrap-servers")
                .hasMessageContaining("is required");
    }

    @Test
    void rejectsAMisspeltOptionInsteadOfIgnoringIt() {
        assertThatThrownBy(() -> fromArgs("--bootstrap-servers", "k:1", "--inference.max-batchsize", "8"))
                .hasMessage("unknown option --inference.max-batchsize: see --help for the options");
        assertThatThrownBy(() -> fromArgs("--bootstrap-servers", "k:1", "--deadlin", "8"))
                .hasMessage("unknown option --deadlin: see --help for the options");
    }

    @Test
    void rejectsInvalidValuesNamingTheKey() {
        assertThatThrownBy(() -> fromArgs("--bootstrap-servers", "k:1", "--deadline", "0 ms"))
                .hasMessage("driftless.deadline must be positive, got PT0S");
        assertThatThrownBy(() -> fromArgs("--bootstrap-servers", "k:1", "--deadline", "2 s"))
                .hasMessage("driftless.deadline (2000 ms) must not exceed driftless.max-deadline (1000 ms)");
        assertThatThrownBy(() -> fromArgs("--bootstrap-servers", "k:1", "--frames-topic", "bad topic"))
                .hasMessageContaining("driftless.frames-topic 'bad topic' is not a valid Kafka topic name");
        assertThatThrownBy(() -> fromArgs("--bootstrap-servers", "k:1", "--inference.max-batch-size", "0"))
                .hasMessage("driftless.inference.max-batch-size must be at least 1, got 0");
        assertThatThrownBy(() -> fromArgs("--bootstrap-servers", "k:1", "--inference.streams-per-server", "0"))
                .hasMessage("driftless.inference.streams-per-server must be at least 1, got 0");
        assertThatThrownBy(() -> fromArgs("--bootstrap-servers"))
                .hasMessage("option --bootstrap-servers needs a value");
    }

    @Test
    void capsEachSessionAtTwiceTheNominalRateByDefaultAndValidatesTheCap() {
        assertThat(fromArgs("--bootstrap-servers", "k:1").sessionRateCap)
                .isEqualTo(new SessionRateCap(60, 30));
        assertThat(fromArgs("--bootstrap-servers", "k:1", "--admission.max-session-fps", "120",
                "--admission.session-burst", "10").sessionRateCap)
                .isEqualTo(new SessionRateCap(120, 10));
        assertThatThrownBy(() -> fromArgs("--bootstrap-servers", "k:1", "--admission.max-session-fps", "0"))
                .hasMessage("driftless.admission.max-session-fps must be at least 1, got 0");
        assertThatThrownBy(() -> fromArgs("--bootstrap-servers", "k:1", "--admission.session-burst", "0"))
                .hasMessage("driftless.admission.session-burst must be at least 1, got 0");
    }

    @Test
    void leavesTheRemoteClientsInFlightLimitOffByDefaultAndValidatesTheLimits() {
        assertThat(fromArgs("--bootstrap-servers", "k:1").inferenceInFlightLimit)
                .isEqualTo(InFlightLimitOptions.OFF);
        JobConfig tuned = fromArgs("--bootstrap-servers", "k:1", "--inference", "remote", "--inference-target", "s:1",
                "--inference.remote.in-flight-limit.algorithm", "gradient2",
                "--inference.remote.in-flight-limit.initial", "64", "--inference.remote.in-flight-limit.min", "8",
                "--inference.remote.in-flight-limit.max", "512");
        assertThat(tuned.inferenceInFlightLimit)
                .isEqualTo(new InFlightLimitOptions(InFlightLimitOptions.Algorithm.GRADIENT2, 64, 8, 512));
        assertThat(DriftlessJob.poseInference(tuned).key()).endsWith(tuned.inferenceInFlightLimit.toString());
        assertThat(fromArgs("--bootstrap-servers", "k:1", "--inference.remote.in-flight-limit.algorithm", "off")
                .inferenceInFlightLimit.enabled()).isFalse();

        assertThatThrownBy(() -> fromArgs("--bootstrap-servers", "k:1", "--inference.remote.in-flight-limit.min", "0"))
                .hasMessage("driftless.inference.remote.in-flight-limit.min must be at least 1, got 0");
        assertThatThrownBy(() -> fromArgs("--bootstrap-servers", "k:1", "--inference.remote.in-flight-limit.max", "10"))
                .hasMessage("driftless.inference.remote.in-flight-limit.max (10) must be at least"
                        + " driftless.inference.remote.in-flight-limit.min (20): lower the minimum too, or raise the"
                        + " maximum");
        assertThatThrownBy(() -> fromArgs("--bootstrap-servers", "k:1", "--inference.remote.in-flight-limit.initial",
                "500"))
                .hasMessage("driftless.inference.remote.in-flight-limit.initial (500) must be between"
                        + " driftless.inference.remote.in-flight-limit.min (20) and"
                        + " driftless.inference.remote.in-flight-limit.max (200)");
    }

    @Test
    void runsTheModelInProcessUnlessToldToCallAServer() {
        JobConfig config = fromArgs("--bootstrap-servers", "k:1");
        assertThat(config.inferenceBackend).isEqualTo(DriftlessOptions.InferenceBackend.IN_PROCESS);
        assertThat(config.inferenceTarget).isNull();
        assertThat(DriftlessJob.poseInference(config)).isInstanceOf(OnnxPoseInferenceFactory.class);
    }

    @Test
    void takesTheRemoteBackendInItsShortAndLongForms() {
        JobConfig shortForm = fromArgs("--bootstrap-servers", "k:1", "--inference", "remote",
                "--inference-target", "gpu-1:50051,gpu-2:50051");
        JobConfig longForm = fromArgs("--bootstrap-servers", "k:1", "--driftless.inference.backend", "REMOTE",
                "--inference.target", "inference:50051", "--inference.streams-per-server", "3",
                "--inference.tls.trust-certificates", "/etc/driftless/ca.pem",
                "--inference.tls.client-certificate", "/etc/driftless/job.pem",
                "--inference.tls.client-key", "/etc/driftless/job.key");

        assertThat(shortForm.inferenceBackend).isEqualTo(DriftlessOptions.InferenceBackend.REMOTE);
        assertThat(shortForm.inferenceTarget).isEqualTo("gpu-1:50051,gpu-2:50051");
        assertThat(shortForm.inferenceTls.enabled()).isFalse();
        assertThat(DriftlessJob.poseInference(shortForm).key()).startsWith("remote|[gpu-1:50051, gpu-2:50051]|pose-v1");
        assertThat(longForm.inferenceTarget).isEqualTo("inference:50051");
        assertThat(shortForm.inferenceStreamsPerServer).isEqualTo(2);
        assertThat(longForm.inferenceStreamsPerServer).isEqualTo(3);
        assertThat(longForm.inferenceTls).isEqualTo(
                new ClientTls("/etc/driftless/ca.pem", "/etc/driftless/job.pem", "/etc/driftless/job.key"));
    }

    @Test
    void rejectsARemoteBackendWithoutAUsableTargetAndATargetWithoutTheRemoteBackend() {
        assertThatThrownBy(() -> fromArgs("--bootstrap-servers", "k:1", "--inference", "remote"))
                .hasMessage("driftless.inference.backend is remote but no server is given: set --inference-target"
                        + " (driftless.inference.target) to host:port, e.g. --inference-target localhost:50051");
        assertThatThrownBy(() -> fromArgs("--bootstrap-servers", "k:1", "--inference", "remote",
                        "--inference-target", "gpu-1"))
                .hasMessage("driftless.inference.target: 'gpu-1' is not host:port, e.g. localhost:50051");
        assertThatThrownBy(() -> fromArgs("--bootstrap-servers", "k:1", "--inference-target", "gpu-1:50051"))
                .hasMessage("driftless.inference.target is set but driftless.inference.backend is in-process:"
                        + " add --inference remote to use the server at gpu-1:50051");
        assertThatThrownBy(() -> fromArgs("--bootstrap-servers", "k:1", "--inference", "gpu"))
                .hasMessage("Could not parse value 'gpu' for key 'driftless.inference.backend'.")
                .rootCause().hasMessageEndingWith("Expected one of: [[in-process, remote]]");
        assertThatThrownBy(() -> fromArgs("--bootstrap-servers", "k:1", "--inference", "remote",
                        "--inference-target", "a:1", "--inference.tls.client-certificate", "job.pem"))
                .hasMessageStartingWith("a client certificate needs its key and a key its certificate");
    }

    @Test
    void perSessionTopicPatternNamesEachSessionsTopic() {
        ResponseTopicPattern shared = new ResponseTopicPattern("driftless.ar-coordinates");
        ResponseTopicPattern perUser = new ResponseTopicPattern("ar.{session}.coords");
        assertThat(shared.topicFor("alice")).isEqualTo("driftless.ar-coordinates");
        assertThat(perUser.topicFor("alice")).isEqualTo("ar.alice.coords");
        assertThatThrownBy(() -> new ResponseTopicPattern("{session}.{session}"))
                .hasMessageContaining("more than once");
    }

    @Test
    void rejectsAPerSessionPatternThatCanNameTooLongATopic() {
        assertThatThrownBy(() -> fromArgs("--bootstrap-servers", "k:1",
                        "--coordinates-topic-pattern", "x".repeat(130) + "{session}"))
                .hasMessageContaining("longer than Kafka's 249 characters");
        assertThatThrownBy(() -> fromArgs("--bootstrap-servers", "k:1",
                        "--coordinates-topic-pattern", "{session}.{session}"))
                .hasMessageContaining("more than once");
    }

    @Test
    void fillsOnlyTheFlinkSettingsTheClusterLeavesOpen() {
        Configuration cluster = new Configuration();
        cluster.set(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMinutes(1));
        Configuration defaults = JobConfig.missingFlinkDefaults(cluster);
        assertThat(defaults.getOptional(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEmpty();
        assertThat(defaults.get(ExecutionOptions.BUFFER_TIMEOUT)).isEqualTo(Duration.ZERO);
    }

    @Test
    void usageListsEveryOptionWithItsDefault() {
        String usage = JobConfig.usage();
        for (var option : DriftlessOptions.ALL) {
            assertThat(usage).contains("--" + option.key().substring(DriftlessOptions.PREFIX.length()));
        }
        assertThat(usage).contains("default: 33 ms")
                .contains("--inference.backend <in-process|remote>")
                .contains("short for --inference.backend")
                .contains("short for --inference.target");
    }

    @Test
    void usageShowsEachOptionsDescriptionText() {
        String usage = JobConfig.usage();
        assertThat(usage).doesNotContain("Description@");
        for (var option : DriftlessOptions.ALL) {
            String text = JobConfig.describe(option);
            assertThat(text).as("description of %s", option.key()).isNotBlank().doesNotContain("Description@");
            assertThat(usage).as("usage line of %s", option.key()).contains(text);
        }
        assertThat(usage).contains("Kafka bootstrap servers, host:port[,host:port...]. Required.")
                .contains("Capture-to-render budget for frames that send deadline_ms = 0.");
    }

    @Test
    void takesKafkaClientPropertiesFromTheFlinkConfigurationWithoutThePrefix() {
        Configuration flink = new Configuration();
        flink.setString("kafka.security.protocol", "SASL_SSL");
        flink.setString("kafka.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required;");
        flink.setString("execution.buffer-timeout.interval", "0 ms");
        flink.setString("driftless.frames-topic", "frames");

        assertThat(JobConfig.kafkaPropertiesIn(flink)).containsOnlyKeys("security.protocol", "sasl.jaas.config")
                .containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void validatesTheInputLimits() {
        Configuration settings = new Configuration();
        settings.set(DriftlessOptions.BOOTSTRAP_SERVERS, "localhost:9092");
        settings.setString("driftless.input.max-frame-size", "512 kb");
        settings.setString("driftless.input.max-image-side", "1920");
        JobConfig config = JobConfig.from(settings, Map.of());
        assertThat(config.inputLimits.maxFrameBytes()).isEqualTo(512 * 1024);
        assertThat(config.inputLimits.maxImageSide()).isEqualTo(1920);

        settings.setString("driftless.input.max-image-side", "20000");
        assertThatThrownBy(() -> JobConfig.from(settings, Map.of()))
                .hasMessage("driftless.input.max-image-side must be between 1 and 16384, got 20000");
        settings.setString("driftless.input.max-image-side", "1920");
        settings.setString("driftless.input.max-frame-size", "100 b");
        assertThatThrownBy(() -> JobConfig.from(settings, Map.of()))
                .hasMessageStartingWith("driftless.input.max-frame-size must be between 1 kb and 2 gb");
    }
}
