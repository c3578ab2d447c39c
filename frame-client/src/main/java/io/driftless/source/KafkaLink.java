package io.driftless.source;

import static io.driftless.source.SettingCheck.require;

import io.driftless.source.internal.TopicNames;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where a run talks to: the brokers, the frames topic it writes, the answer topics it reads, and
 * the client settings. Every run kind shares it; the constructor rejects what Kafka would refuse
 * or what would make the client read its own frames as answers. {@link #builder()} checks each
 * setting as it is set and fills in the defaults.
 *
 * <pre>{@code
 * KafkaLink link = KafkaLink.builder()
 *         .bootstrapServers("localhost:9092")
 *         .coordinatesTopicPattern("driftless.ar.{session}")
 *         .build();
 * }</pre>
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
    public static final String DEFAULT_FRAMES_TOPIC = "driftless.frames";
    public static final String DEFAULT_COORDINATES_TOPIC_PATTERN = "driftless.ar-coordinates";
    public static final String DEFAULT_DROPPED_TOPIC = "driftless.dropped";
    public static final String DEFAULT_ANNOTATED_TOPIC_PATTERN = "driftless.annotated";
    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

    /** The client reads and writes raw Protobuf bytes; these would break that. */
    private static final Set<String> RESERVED_KAFKA_KEYS = Set.of(
            "key.serializer", "value.serializer", "key.deserializer", "value.deserializer");

    public KafkaLink {
        bootstrapServers = brokers(bootstrapServers);
        topic("framesTopic", framesTopic);
        topic("droppedTopic", droppedTopic);
        pattern("coordinatesTopicPattern", coordinatesTopicPattern);
        if (annotatedTopicPattern != null) {
            pattern("annotatedTopicPattern", annotatedTopicPattern);
            require(coordinatesTopicPattern.contains(SESSION_PLACEHOLDER)
                            == annotatedTopicPattern.contains(SESSION_PLACEHOLDER),
                    "annotatedTopicPattern '%s' and coordinatesTopicPattern '%s' must both contain"
                            + " %s or neither: the job chooses per-session topics for both at once",
                    annotatedTopicPattern, coordinatesTopicPattern, SESSION_PLACEHOLDER);
        }
        String coordinates = coordinatesTopicPattern.replace(SESSION_PLACEHOLDER, "s");
        String annotated = annotatedTopicPattern == null ? null
                : annotatedTopicPattern.replace(SESSION_PLACEHOLDER, "s");
        require(!framesTopic.equals(coordinates) && !framesTopic.equals(droppedTopic)
                        && !framesTopic.equals(annotated),
                "framesTopic '%s' must differ from the answer topics: the client would read its"
                        + " own frames as answers", framesTopic);
        require(!coordinates.equals(droppedTopic) && !droppedTopic.equals(annotated)
                        && !coordinates.equals(annotated),
                "the coordinates, annotated and dropped topics must differ ('%s', '%s', '%s'):"
                        + " the client tells answers apart by topic",
                coordinatesTopicPattern, annotatedTopicPattern, droppedTopic);
        timeout(connectTimeout);
        require(kafkaProperties != null, "kafkaProperties must not be null");
        kafkaProperties.forEach(KafkaLink::property);
        kafkaProperties = Collections.unmodifiableMap(new LinkedHashMap<>(kafkaProperties));
    }

    /** Starts a link with every setting at its default; only the brokers have none. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether the job writes each session's answers to topics of their own. */
    public boolean perSessionTopics() {
        return coordinatesTopicPattern.contains(SESSION_PLACEHOLDER);
    }

    /** The annotated-frames topic pattern, when this run reads annotated frames. */
    public Optional<String> annotatedTopic() {
        return Optional.ofNullable(annotatedTopicPattern);
    }

    private static String brokers(String bootstrapServers) {
        require(bootstrapServers != null && !bootstrapServers.isBlank(),
                "bootstrapServers must name at least one broker, e.g. localhost:9092, got '%s'",
                bootstrapServers);
        return bootstrapServers.strip();
    }

    private static String topic(String field, String name) {
        require(name != null, "%s must not be null", field);
        String problem = TopicNames.problem(name);
        require(problem == null, "%s '%s' is not a valid topic name: %s", field, name, problem);
        return name;
    }

    private static String pattern(String field, String pattern) {
        require(pattern != null, "%s must not be null", field);
        int first = pattern.indexOf(SESSION_PLACEHOLDER);
        require(first < 0 || pattern.indexOf(SESSION_PLACEHOLDER, first + 1) < 0,
                "%s may contain %s at most once, got '%s'", field, SESSION_PLACEHOLDER, pattern);
        String problem = TopicNames.problem(pattern.replace(SESSION_PLACEHOLDER, "s"));
        require(problem == null, "%s '%s' is not a valid topic name: %s", field, pattern, problem);
        return pattern;
    }

    private static Duration timeout(Duration connectTimeout) {
        require(connectTimeout != null && connectTimeout.toMillis() >= 1,
                "connectTimeout must be at least 1 ms, got %s", connectTimeout);
        return connectTimeout;
    }

    private static void property(String key, String value) {
        require(key != null && !key.isBlank(), "kafkaProperties keys must not be blank");
        require(value != null, "kafkaProperties value of '%s' must not be null", key);
        require(!RESERVED_KAFKA_KEYS.contains(key),
                "kafkaProperties must not set '%s': the client sends and reads raw Protobuf bytes",
                key);
    }

    /**
     * Builds a {@link KafkaLink}; each setter checks its argument, {@link #build()} checks the
     * topics against each other.
     */
    public static final class Builder {
        private String bootstrapServers;
        private String framesTopic = DEFAULT_FRAMES_TOPIC;
        private String coordinatesTopicPattern = DEFAULT_COORDINATES_TOPIC_PATTERN;
        private String droppedTopic = DEFAULT_DROPPED_TOPIC;
        private String annotatedTopicPattern;
        private Duration connectTimeout = Duration.ofMillis(DEFAULT_CONNECT_TIMEOUT_MS);
        private final Map<String, String> kafkaProperties = new LinkedHashMap<>();

        private Builder() {}

        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = brokers(bootstrapServers);
            return this;
        }

        public Builder framesTopic(String framesTopic) {
            this.framesTopic = topic("framesTopic", framesTopic);
            return this;
        }

        /**
         * The coordinates topic; a pattern with {@value KafkaLink#SESSION_PLACEHOLDER} makes the
         * client subscribe to every topic of its own sessions.
         */
        public Builder coordinatesTopicPattern(String pattern) {
            this.coordinatesTopicPattern = pattern("coordinatesTopicPattern", pattern);
            return this;
        }

        public Builder droppedTopic(String droppedTopic) {
            this.droppedTopic = topic("droppedTopic", droppedTopic);
            return this;
        }

        /**
         * Where the job writes annotated frames, same {@value KafkaLink#SESSION_PLACEHOLDER} rule;
         * null (the default) when the run sends no images and reads none.
         */
        public Builder annotatedTopicPattern(String pattern) {
            this.annotatedTopicPattern = pattern == null ? null
                    : pattern("annotatedTopicPattern", pattern);
            return this;
        }

        /** How long to wait for the brokers before giving up on the run. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = timeout(connectTimeout);
            return this;
        }

        /** An extra producer and consumer property; it wins over the client's own settings. */
        public Builder kafkaProperty(String key, String value) {
            property(key, value);
            kafkaProperties.put(key, value);
            return this;
        }

        public Builder kafkaProperties(Map<String, String> properties) {
            require(properties != null, "kafkaProperties must not be null");
            properties.forEach(this::kafkaProperty);
            return this;
        }

        public KafkaLink build() {
            require(bootstrapServers != null,
                    "bootstrapServers is required: set it to the Kafka brokers, e.g."
                            + " localhost:9092");
            return new KafkaLink(bootstrapServers, framesTopic, coordinatesTopicPattern,
                    droppedTopic, annotatedTopicPattern, connectTimeout, kafkaProperties);
        }
    }
}
