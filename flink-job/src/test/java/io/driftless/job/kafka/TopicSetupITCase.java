package io.driftless.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftless.job.DriftlessJob;
import io.driftless.job.DriftlessOptions;
import io.driftless.job.JobConfig;
import io.driftless.kafka.EmbeddedKafkaBroker;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An annotated topic made beforehand is checked against the largest record the job may write. */
class TopicSetupITCase {

    private static final String ANNOTATED = "annotated-made-beforehand";

    private static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafkaBroker.builder().build();
        kafka.start();
        // Kafka's own default record limit, as a topic made with kafka-topics.sh would have it
        kafka.createTopic(ANNOTATED, 1, Map.of("max.message.bytes", "1048588"));
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void refusesAnAnnotatedTopicThatTakesSmallerRecordsThanTheFrameCapNeeds() {
        JobConfig config = config(MemorySize.parse("2mb"));

        assertThatThrownBy(() -> TopicSetup.createMissing(config))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("topic '" + ANNOTATED + "' takes records of at most 1048588 bytes")
                .hasMessageContaining("may need " + (2 * 1024 * 1024 + 64 * 1024) + " bytes")
                .hasMessageContaining(DriftlessOptions.MAX_FRAME_SIZE.key());
    }

    @Test
    void jobsMainFailsWithTheTopicsProblemInsteadOfExiting() {
        // main may run in the JobManager's JVM: were it to exit, this test's JVM would end here
        assertThatThrownBy(() -> DriftlessJob.main(new String[] {
                    "--bootstrap-servers", kafka.bootstrapServers(), "--frames-topic", "frames",
                    "--coordinates-topic-pattern", "coordinates", "--annotated-topic-pattern", ANNOTATED,
                    "--dropped-topic", "dropped", "--input.max-frame-size", "2mb"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("driftless: topic '" + ANNOTATED + "' takes records of at most 1048588 bytes");
    }

    @Test
    void acceptsItWhenTheFrameCapIsLoweredToFit() throws Exception {
        // the job never asks for less than 1 MiB, which a topic at Kafka's default still takes
        JobConfig config = config(MemorySize.parse("900kb"));

        assertThat(TopicSetup.createMissing(config)).doesNotContain(ANNOTATED).contains("frames");
    }

    private static JobConfig config(MemorySize frameCap) {
        Configuration settings = new Configuration();
        settings.set(DriftlessOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        settings.set(DriftlessOptions.FRAMES_TOPIC, "frames");
        settings.set(DriftlessOptions.COORDINATES_TOPIC_PATTERN, "coordinates");
        settings.set(DriftlessOptions.ANNOTATED_TOPIC_PATTERN, ANNOTATED);
        settings.set(DriftlessOptions.DROPPED_TOPIC, "dropped");
        settings.set(DriftlessOptions.MAX_FRAME_SIZE, frameCap);
        return JobConfig.from(settings, Map.of());
    }
}
