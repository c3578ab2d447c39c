package io.driftless.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftless.kafka.EmbeddedKafkaMain.Options;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

class EmbeddedKafkaMainTest {

    @Test
    void runsOnPort9092WithOnePartitionAndATemporaryDirectoryByDefault() {
        assertThat(Options.parse()).isEqualTo(new Options(false, 9092, 1, Optional.empty()));
    }

    @Test
    void readsOptionsWithSpaceOrEqualsBeforeTheirValues() {
        assertThat(Options.parse("--port", "19092", "--partitions=4", "--data-dir", "/tmp/kafka"))
                .isEqualTo(new Options(false, 19092, 4, Optional.of(Path.of("/tmp/kafka"))));
    }

    @Test
    void asksForHelp() {
        assertThat(Options.parse("--help").help()).isTrue();
        assertThat(Options.parse("-h").help()).isTrue();
    }

    @Test
    void refusesAnUnknownOptionNamingIt() {
        assertThatThrownBy(() -> Options.parse("--topic", "frames"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown option --topic.");
    }

    @Test
    void refusesAPortOutOfRangeNamingTheOption() {
        assertThatThrownBy(() -> Options.parse("--port", "70000"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Option --port needs a whole number from 0 to 65535, got 70000.");
        assertThatThrownBy(() -> Options.parse("--partitions=none"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Option --partitions needs a whole number from 1 to 2147483647, got none.");
    }

    @Test
    void refusesAnOptionWithoutItsValue() {
        assertThatThrownBy(() -> Options.parse("--data-dir"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Option --data-dir needs a value.");
    }

    @Test
    void buildsABrokerOnTheChosenPort() {
        assertThat(Options.parse("--port", "19092").toBuilder().build().bootstrapServers())
                .isEqualTo("127.0.0.1:19092");
    }
}
