package io.driftless.source;

import io.driftless.source.internal.TopicNames;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where a run talks to: the brokers, the frames topic it writes, the answer topics it reads, and
 * the client settings. Every run kind shares it; the constructor rejects what Kafka would refuse
 * or what would make the client read its own frames as answers.
 *
 * @param bootstrapServers the brokers, e.g. {@code localhost:9092}
 * @param framesTopic where frames go
 * @param coordinatesTopicPattern where the job writes coordinates; with {@value #SESSION_PLACEHOLDER},
 *     one topic per session
 * @param droppedTopic where the job writes dropped frames
 * @param annotatedTopicPattern where the job writes annotated frames (same placeholder rule), or
 *     null when the run sends no images and reads none
 * @param connectTimeout how long to wait for the brokers before giving up
 * @param kafkaProperties extra producer and consumer properties; they win over the client's own
 */
public record KafkaLink(
        String bootstrapServers,
        String framesTopic,
        String coordinatesTopicPattern,
        String droppedTopic,
        String annotatedTopicPattern,
        Duration connectTimeout,
        Map<String, String> kafkaProperties) {

    /** The placeholder that makes an answer topic one topic per session. */
    public static final String SESSION_PLACEHOLDER = "{session}";
    public static final String DEFAULT_ANNOTATED_TOPIC_PATTERN = "driftless.annotated";

    /** The client reads and writes raw Protobuf bytes; these would break that. */
    private static final Set<String> RESERVED_KAFKA_KEYS = Set.of(
            "key.serializer", "value.serializer", "key.deserializer", "value.deserializer");

    public KafkaLink {
        check(bootstrapServers != null && !bootstrapServers.isBlank(),
                "bootstrapServers must name at least one broker, e.g. localhost:9092, got '%s'",
                bootstrapServers);
        bootstrapServers = bootstrapServers.strip();
        topic("framesTopic", framesTopic);
        topic("droppedTopic", droppedTopic);
        pattern("coordinatesTopicPattern", coordinatesTopicPattern);
        if (annotatedTopicPattern != null) {
            pattern("annotatedTopicPattern", annotatedTopicPattern);
            check(coordinatesTopicPattern.contains(SESSION_PLACEHOLDER)
                            == annotatedTopicPattern.contains(SESSION_PLACEHOLDER),
                    "annotatedTopicPattern '%s' and coordinatesTopicPattern '%s' must both contain"
                            + " %s or neither: the job chooses per-session topics for both at once",
                    annotatedTopicPattern, coordinatesTopicPattern, SESSION_PLACEHOLDER);
        }
        String coordinates = coordinatesTopicPattern.replace(SESSION_PLACEHOLDER, "s");
        String annotated = annotatedTopicPattern == null ? null
                : annotatedTopicPattern.replace(SESSION_PLACEHOLDER, "s");
        check(!framesTopic.equals(coordinates) && !framesTopic.equals(droppedTopic)
                        && !framesTopic.equals(annotated),
                "framesTopic '%s' must differ from the answer topics: the client would read its"
                        + " own frames as answers", framesTopic);
        check(!coordinates.equals(droppedTopic) && !droppedTopic.equals(annotated)
                        && !coordinates.equals(annotated),
                "the coordinates, annotated and dropped topics must differ ('%s', '%s', '%s'):"
                        + " the client tells answers apart by topic",
                coordinatesTopicPattern, annotatedTopicPattern, droppedTopic);
        check(connectTimeout != null && connectTimeout.toMillis() >= 1,
                "connectTimeout must be at least 1 ms, got %s", connectTimeout);
        check(kafkaProperties != null, "kafkaProperties must not be null");
        for (Map.Entry<String, String> e : kafkaProperties.entrySet()) {
            check(e.getKey() != null && !e.getKey().isBlank(),
                    "kafkaProperties keys must not be blank");
            check(e.getValue() != null, "kafkaProperties value of '%s' must not be null",
                    e.getKey());
            check(!RESERVED_KAFKA_KEYS.contains(e.getKey()),
                    "kafkaProperties must not set '%s': the client sends and reads raw Protobuf"
                            + " bytes", e.getKey());
        }
        kafkaProperties = Collections.unmodifiableMap(new LinkedHashMap<>(kafkaProperties));
    }

    /** Whether the job writes each session's answers to topics of their own. */
    public boolean perSessionTopics() {
        return coordinatesTopicPattern.contains(SESSION_PLACEHOLDER);
    }

    /** The annotated-frames topic pattern, when this run reads annotated frames. */
    public Optional<String> annotatedTopic() {
        return Optional.ofNullable(annotatedTopicPattern);
    }

    private static void topic(String field, String name) {
        check(name != null, "%s must not be null", field);
        String problem = TopicNames.problem(name);
        check(problem == null, "%s '%s' is not a valid topic name: %s", field, name, problem);
    }

    private static void pattern(String field, String pattern) {
        check(pattern != null, "%s must not be null", field);
        int first = pattern.indexOf(SESSION_PLACEHOLDER);
        check(first < 0 || pattern.indexOf(SESSION_PLACEHOLDER, first + 1) < 0,
                "%s may contain %s at most once, got '%s'", field, SESSION_PLACEHOLDER, pattern);
        String problem = TopicNames.problem(pattern.replace(SESSION_PLACEHOLDER, "s"));
        check(problem == null, "%s '%s' is not a valid topic name: %s", field, pattern, problem);
    }

    private static void check(boolean ok, String format, Object... args) {
        if (!ok) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, format, args));
        }
    }
}
