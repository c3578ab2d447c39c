package io.driftless.source;

import io.driftless.cli.DurationConverter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The Kafka options every sending subcommand takes: brokers, topics and client properties. */
final class KafkaOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            defaultValue = "localhost:9092",
            description = "Kafka brokers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--frames-topic", paramLabel = "TOPIC",
            defaultValue = KafkaLink.DEFAULT_FRAMES_TOPIC,
            description = "Where frames go (default: ${DEFAULT-VALUE}).")
    String framesTopic;

    @Option(names = "--coordinates-topic-pattern", paramLabel = "PATTERN",
            defaultValue = KafkaLink.DEFAULT_COORDINATES_TOPIC_PATTERN,
            description = "Where the job writes coordinates; with " + KafkaLink.SESSION_PLACEHOLDER
                    + " one topic per session (default: ${DEFAULT-VALUE}).")
    String coordinatesTopicPattern;

    @Option(names = "--dropped-topic", paramLabel = "TOPIC",
            defaultValue = KafkaLink.DEFAULT_DROPPED_TOPIC,
            description = "Where the job writes dropped frames (default: ${DEFAULT-VALUE}).")
    String droppedTopic;

    @Option(names = "--annotated-topic-pattern", paramLabel = "PATTERN",
            defaultValue = KafkaLink.DEFAULT_ANNOTATED_TOPIC_PATTERN,
            description = "With --send jpeg: where the job writes annotated frames; with "
                    + KafkaLink.SESSION_PLACEHOLDER + " one topic per session"
                    + " (default: ${DEFAULT-VALUE}).")
    String annotatedTopicPattern;

    @Option(names = "--connect-timeout", paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = KafkaLink.DEFAULT_CONNECT_TIMEOUT_MS / 1000 + "s",
            description = "How long to wait for the brokers before giving up"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--kafka", paramLabel = "KEY=VALUE",
            description = "Extra producer and consumer property, e.g. security.protocol=SSL;"
                    + " repeatable.")
    Map<String, String> kafka = new LinkedHashMap<>();

    /** The link these options name; it reads annotated frames only when the run sends JPEGs. */
    KafkaLink link(SendMode send) {
        return new KafkaLink(bootstrapServers, framesTopic, coordinatesTopicPattern, droppedTopic,
                send == SendMode.JPEG ? annotatedTopicPattern : null, connectTimeout, kafka);
    }
}
