package io.driftless.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaLinkTest {

    @Test
    void buildsWithTheDocumentedDefaults() {
        KafkaLink link = KafkaLink.builder().bootstrapServers(" localhost:9092 ").build();

        assertThat(link).isEqualTo(new KafkaLink("localhost:9092", "driftless.frames",
                "driftless.ar-coordinates", "driftless.dropped", null, Duration.ofSeconds(10),
                Map.of()));
        assertThat(link.annotatedTopic()).isEmpty();
        assertThat(link.perSessionTopics()).isFalse();
    }

    @Test
    void rejectsABadSettingAsItIsSet() {
        KafkaLink.Builder builder = KafkaLink.builder();

        assertThatIllegalArgumentException().isThrownBy(() -> builder.framesTopic("frames topic"))
                .withMessageContaining("framesTopic 'frames topic' is not a valid topic name");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.annotatedTopicPattern("a.{session}.{session}"))
                .withMessageContaining("annotatedTopicPattern may contain {session} at most once");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.kafkaProperty("key.deserializer", "x"))
                .withMessageContaining("kafkaProperties must not set 'key.deserializer'");
    }

    @Test
    void buildsTheSameLinkAsItsConstructorAndChecksTheTopicsAgainstEachOther() {
        KafkaLink built = KafkaLink.builder()
                .bootstrapServers("b:9092")
                .framesTopic("f")
                .coordinatesTopicPattern("c.{session}")
                .annotatedTopicPattern("a.{session}")
                .droppedTopic("d")
                .connectTimeout(Duration.ofSeconds(2))
                .kafkaProperty("security.protocol", "SSL")
                .build();

        assertThat(built).isEqualTo(new KafkaLink("b:9092", "f", "c.{session}", "d", "a.{session}",
                Duration.ofSeconds(2), Map.of("security.protocol", "SSL")));
        assertThat(built.perSessionTopics()).isTrue();
        assertThatIllegalArgumentException()
                .isThrownBy(() -> KafkaLink.builder().bootstrapServers("b:9092")
                        .annotatedTopicPattern("a.{session}").build())
                .withMessageContaining("must both contain {session} or neither");
    }

    @Test
    void requiresTheBrokers() {
        assertThatIllegalArgumentException().isThrownBy(() -> KafkaLink.builder().build())
                .withMessage("bootstrapServers is required: set it to the Kafka brokers, e.g."
                        + " localhost:9092");
    }
}
