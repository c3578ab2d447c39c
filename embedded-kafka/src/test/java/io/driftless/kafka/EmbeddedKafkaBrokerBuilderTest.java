package io.driftless.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

class EmbeddedKafkaBrokerBuilderTest {

    @Test
    void refusesAPortOutOfRangeNamingTheField() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().brokerPort(70000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("brokerPort must be 0 (any free port) or 1-65535, got 70000");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().controllerPort(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("controllerPort must be 0 (any free port) or 1-65535, got -1");
    }

    @Test
    void refusesOnePortForBothBrokerAndController() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().brokerPort(9092).controllerPort(9092))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("controllerPort 9092 is already the brokerPort; "
                        + "the broker and controller listeners need different ports.");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().controllerPort(9093).brokerPort(9093))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("brokerPort 9093 is already the controllerPort");
    }

    @Test
    void letsBothPortsBePickedFreely() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().brokerPort(0).controllerPort(0).build();

        assertThat(broker.isRunning()).isFalse();
    }

    @Test
    void refusesBrokerPropertiesThatItsSettersControlNamingTheSetter() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().brokerProperty("num.partitions", "4"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("brokerProperty num.partitions is set by the embedded broker itself; "
                        + "use defaultPartitions(int).");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().brokerProperties(Map.of("log.dirs", "/var/kafka")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use dataDirectory(Path)");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().brokerProperty("listeners", "PLAINTEXT://:9092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use brokerPort(int) and controllerPort(int)");
    }

    @Test
    void refusesSaslUsersThatCannotLogInNamingTheUser() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().saslScram(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sasl users must name at least one user and password, got {}");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().saslScram(Map.of("alice", " ")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sasl password of user alice must not be blank.");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().saslScram(Map.of("a,b", "pw")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sasl user name a,b must be letters, digits and . _ @ - only.");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().saslScram(Map.of("driftless-embedded-broker", "pw")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is the broker's own");
    }

    @Test
    void refusesSaslBrokerPropertiesNamingTheSetter() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().brokerProperty("sasl.enabled.mechanisms", "PLAIN"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("brokerProperty sasl.enabled.mechanisms is set by the embedded broker itself; "
                        + "use saslScram(Map).");
    }

    @Test
    void refusesAtBuildABrokerPropertyThatKafkaWouldRefuse() {
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder().brokerProperty("log.segment.bytes", "lots");

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("brokerProperties are not a valid Kafka broker configuration: ")
                .hasMessageContaining("log.segment.bytes");
    }

    @Test
    void acceptsOverridesOfTheTestFriendlyDefaults() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
                .brokerProperty("offsets.topic.num.partitions", "5")
                .brokerProperty("log.retention.ms", "3600000")
                .build();

        assertThat(broker.isRunning()).isFalse();
    }

    @Test
    void refusesNonPositivePartitionsAndTimeouts() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().defaultPartitions(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("defaultPartitions must be at least 1, got 0");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must be positive, got PT0S");
    }

    @Test
    void refusesADataDirectoryThatIsAFile(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");

        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().dataDirectory(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dataDirectory " + file + " exists and is not a directory.");
    }

    @Test
    void knowsAFixedBootstrapAddressBeforeStartButAFreeOneOnlyAfter() {
        assertThat(EmbeddedKafkaBroker.builder().brokerPort(19092).build().bootstrapServers())
                .isEqualTo("127.0.0.1:19092");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().build().bootstrapServers())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("call start() before bootstrapServers()");
    }

    @Test
    void cannotStartOrCreateTopicsOnceClosed() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().brokerPort(19092).build();
        broker.close();
        broker.close();

        assertThatThrownBy(broker::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("The Kafka broker is closed; build a new EmbeddedKafkaBroker to start another.");
        assertThatThrownBy(() -> broker.createTopic("frames", 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("The Kafka broker at 127.0.0.1:19092 is not running: call start() before creating topics.");
    }

    @Test
    void refusesATopicWithoutPartitions() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();

        assertThatThrownBy(() -> broker.createTopic("frames", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("partitions of topic frames must be at least 1, got 0");
    }
}
