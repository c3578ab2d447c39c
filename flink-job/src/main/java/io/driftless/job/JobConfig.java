package io.driftless.job;

import static io.driftless.job.DriftlessOptions.*;

import io.driftless.inference.remote.ClientTls;
import io.driftless.inference.remote.HostAndPort;
import io.driftless.inference.remote.InFlightLimitOptions;
import io.driftless.job.DriftlessOptions.InferenceBackend;
import io.driftless.job.DriftlessOptions.Smoothing;
import io.driftless.job.DriftlessOptions.StartingOffsets;
import io.driftless.job.gate.SessionRateCap;
import io.driftless.job.parse.FrameDecoder;
import io.driftless.job.parse.InputLimits;
import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.description.Formatter;
import org.apache.flink.configuration.description.TextElement;

/**
 * The job's whole configuration, typed and validated once. Built from the command line and
 * Flink's configuration; an invalid value fails here, naming its key, before anything starts.
 */
public final class JobConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    public final String bootstrapServers;
    public final String framesTopic;
    public final String coordinatesTopicPattern;
    public final String annotatedTopicPattern;
    public final String droppedTopic;
    /** Which reply_to topic prefixes the job honours. */
    public final ReplyTopics replyTopics;
    public final String groupId;
    public final boolean createTopics;
    public final int topicPartitions;
    public final StartingOffsets startingOffsets;
    public final Duration defaultDeadline;
    public final Duration maxDeadline;
    public final String poseModel;
    public final String faceModel;
    /**
     * Users' image models serving image frames instead of the face detector, empty for none, the
     * first for frames that name none: their folders in-process, the names the inference server
     * serves them under with remote inference.
     */
    public final List<String> imageModels;
    public final InferenceBackend inferenceBackend;
    /** The remote backend's servers, host:port[,host:port...]; null for in-process. */
    public final String inferenceTarget;
    public final ClientTls inferenceTls;
    /** Streams the remote backend opens to each server address. */
    public final int inferenceStreamsPerServer;
    /** The remote backend's adaptive limit on frames in flight. */
    public final InFlightLimitOptions inferenceInFlightLimit;
    public final int maxBatchSize;
    public final int maxImageBatchSize;
    public final int imageThreads;
    public final int annotatedQuality;
    public final int queueCapacity;
    public final int intraOpThreads;
    public final int asyncCapacity;
    public final int clockWindow;
    public final SessionRateCap sessionRateCap;
    public final Duration maxClockOffset;
    public final Duration maxSendDelay;
    public final Duration sessionIdleTimeout;
    public final InputLimits inputLimits;
    public final Smoothing smoothing;
    /** Kafka client properties (security settings and the like) for the source and sinks. */
    private final Map<String, String> kafkaProperties;

    private JobConfig(ReadableConfig conf, Map<String, String> kafkaProperties) {
        this.bootstrapServers = conf.getOptional(BOOTSTRAP_SERVERS)
                .filter(s -> !s.isBlank())
                .orElseThrow(() -> new IllegalArgumentException(
                        "--bootstrap-servers (" + BOOTSTRAP_SERVERS.key() + ") is required: the Kafka"
                                + " cluster to read frames from, e.g. --bootstrap-servers localhost:9092"));
        for (OptionRange range : DriftlessOptions.RANGES) {
            range.check(conf);
        }
        this.framesTopic = topic(conf, FRAMES_TOPIC);
        this.coordinatesTopicPattern = conf.get(COORDINATES_TOPIC_PATTERN);
        checkTopicPattern(COORDINATES_TOPIC_PATTERN, coordinatesTopicPattern);
        this.annotatedTopicPattern = conf.get(ANNOTATED_TOPIC_PATTERN);
        checkTopicPattern(ANNOTATED_TOPIC_PATTERN, annotatedTopicPattern);
        if (annotatedTopicPattern.equals(coordinatesTopicPattern)) {
            throw new IllegalArgumentException(ANNOTATED_TOPIC_PATTERN.key() + " and " + COORDINATES_TOPIC_PATTERN.key()
                    + " are both '" + annotatedTopicPattern + "': give annotated frames a topic of their own, since"
                    + " readers tell the two kinds of response apart by topic");
        }
        this.droppedTopic = topic(conf, DROPPED_TOPIC);
        try {
            this.replyTopics = new ReplyTopics(conf.get(REPLY_TO_ALLOWED_PREFIXES));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(REPLY_TO_ALLOWED_PREFIXES.key() + ": " + e.getMessage(), e);
        }
        this.groupId = nonBlank(conf, GROUP_ID);
        this.createTopics = conf.get(CREATE_TOPICS);
        this.topicPartitions = conf.get(TOPIC_PARTITIONS);
        this.startingOffsets = conf.get(STARTING_OFFSETS);
        this.maxDeadline = conf.get(MAX_DEADLINE);
        this.defaultDeadline = conf.get(DEFAULT_DEADLINE);
        if (defaultDeadline.compareTo(maxDeadline) > 0) {
            throw new IllegalArgumentException(DEFAULT_DEADLINE.key() + " (" + defaultDeadline.toMillis()
                    + " ms) must not exceed " + MAX_DEADLINE.key() + " (" + maxDeadline.toMillis() + " ms)");
        }
        this.poseModel = nonBlank(conf, POSE_MODEL);
        this.faceModel = nonBlank(conf, FACE_MODEL);
        this.inferenceBackend = conf.get(INFERENCE_BACKEND);
        this.inferenceTarget = inferenceTarget(conf, inferenceBackend);
        this.imageModels = imageModels(conf);
        this.inferenceTls = inferenceTls(conf);
        this.inferenceStreamsPerServer = conf.get(INFERENCE_STREAMS_PER_SERVER);
        this.inferenceInFlightLimit = inferenceInFlightLimit(conf);
        this.maxBatchSize = conf.get(MAX_BATCH_SIZE);
        this.maxImageBatchSize = conf.get(MAX_IMAGE_BATCH_SIZE);
        this.imageThreads = conf.get(IMAGE_THREADS);
        this.annotatedQuality = conf.get(ANNOTATED_QUALITY);
        this.queueCapacity = conf.get(QUEUE_CAPACITY);
        int largestBatch = Math.max(maxBatchSize, maxImageBatchSize);
        if (queueCapacity < largestBatch) {
            throw new IllegalArgumentException(QUEUE_CAPACITY.key() + " must be at least " + largestBatch + ", got "
                    + queueCapacity + ": the queue must hold a whole batch of " + MAX_BATCH_SIZE.key() + " ("
                    + maxBatchSize + ") and of " + MAX_IMAGE_BATCH_SIZE.key() + " (" + maxImageBatchSize + ")");
        }
        this.intraOpThreads = conf.get(INTRA_OP_THREADS);
        this.asyncCapacity = conf.get(ASYNC_CAPACITY);
        this.clockWindow = conf.get(CLOCK_WINDOW);
        this.sessionRateCap = new SessionRateCap(conf.get(MAX_SESSION_FPS), conf.get(SESSION_BURST));
        this.maxClockOffset = conf.get(MAX_CLOCK_OFFSET);
        this.maxSendDelay = conf.get(MAX_SEND_DELAY);
        this.sessionIdleTimeout = conf.get(SESSION_IDLE_TIMEOUT);
        // the range allows 2 gb, one byte more than an int holds; no Kafka record comes near it
        int maxFrameBytes = (int) Math.min(conf.get(MAX_FRAME_SIZE).getBytes(), Integer.MAX_VALUE);
        this.inputLimits = new InputLimits(maxFrameBytes, conf.get(MAX_IMAGE_SIDE));
        this.smoothing = conf.get(SMOOTHING);
        this.kafkaProperties = Collections.unmodifiableMap(new LinkedHashMap<>(kafkaProperties));
    }

    /** Builds and validates the configuration. */
    public static JobConfig from(ReadableConfig conf, Map<String, String> kafkaProperties) {
        return new JobConfig(conf, kafkaProperties);
    }

    /**
     * Kafka client properties set in the Flink configuration (config.yaml or {@code -D}) as
     * {@code kafka.<property>}, prefix removed: where secrets belong, since Flink masks keys such
     * as {@code *password*} and {@code *jaas.config} in its web UI, while application mode keeps
     * program arguments in the configuration, unmasked.
     */
    public static Map<String, String> kafkaPropertiesIn(ReadableConfig flink) {
        Map<String, String> kafka = new LinkedHashMap<>();
        flink.toMap().forEach((key, value) -> {
            if (key.startsWith(DriftlessOptions.KAFKA_PREFIX)) {
                kafka.put(key.substring(DriftlessOptions.KAFKA_PREFIX.length()), value);
            }
        });
        return kafka;
    }

    /** The Kafka client properties given with the {@code kafka.} prefix, prefix removed. */
    public Properties kafkaProperties() {
        Properties properties = new Properties();
        properties.putAll(kafkaProperties);
        return properties;
    }

    /**
     * Flink settings this job needs that {@code current} (the cluster's and the user's
     * settings together) does not set: low latency first (no output buffering delay on network
     * hops), checkpoints on, object reuse between chained operators.
     */
    public static Configuration missingFlinkDefaults(ReadableConfig current) {
        Configuration defaults = new Configuration();
        if (current.getOptional(ExecutionOptions.BUFFER_TIMEOUT).isEmpty()) {
            defaults.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ZERO);
        }
        if (current.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL).isEmpty()) {
            defaults.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(10));
        }
        if (current.getOptional(PipelineOptions.OBJECT_REUSE).isEmpty()) {
            // every operator here emits fresh or handed-over records and keeps no reference
            defaults.set(PipelineOptions.OBJECT_REUSE, true);
        }
        return defaults;
    }

    /** Adds {@link #missingFlinkDefaults} to {@code flink}. */
    public static void applyFlinkDefaults(Configuration flink) {
        flink.addAll(missingFlinkDefaults(flink));
    }

    /** The options, their defaults, valid values and descriptions, for {@code --help}. */
    public static String usage() {
        StringBuilder out = new StringBuilder();
        out.append("Usage: flink run driftless-job.jar --bootstrap-servers HOST:PORT [--OPTION VALUE ...]\n\n");
        out.append("driftless options (the 'driftless.' prefix is optional on the command line):\n");
        for (ConfigOption<?> option : DriftlessOptions.ALL) {
            String name = option.key().substring(PREFIX.length());
            out.append(String.format("  --%-32s %s%n", name + " <" + typeName(option) + ">", describe(option)));
            if (option.hasDefaultValue()) {
                out.append(String.format("  %-34s default: %s%n", "", render(option.defaultValue())));
            }
            DriftlessOptions.rangeOf(option).ifPresent(range ->
                    out.append(String.format("  %-34s must be %s%n", "", range.describe())));
        }
        DriftlessOptions.SHORT_FORMS.forEach((name, option) -> out.append(String.format(
                "  --%-32s short for --%s%n", name, option.key().substring(PREFIX.length()))));
        out.append("\nKafka client properties: --kafka.<property> VALUE, e.g. --kafka.security.protocol SSL,\n");
        out.append("  or kafka.<property> in the Flink configuration; put secrets there (the web UI masks\n");
        out.append("  them) or behind a Kafka config provider, never in arguments\n");
        out.append("Flink options: any Flink configuration key, e.g. --execution.checkpointing.interval 30s\n");
        out.append("  (this job defaults execution.buffer-timeout.interval to 0 ms for latency, and\n");
        out.append("   execution.checkpointing.interval to 10 s)\n");
        return out.toString();
    }

    /**
     * The options as a Markdown table, for {@code docs/configuration.md}: written from the options
     * themselves, so the reference cannot drift from what the job accepts.
     */
    public static String referenceTable() {
        StringBuilder out = new StringBuilder();
        out.append("| key | command line | type | default | valid values | description |\n");
        out.append("| --- | --- | --- | --- | --- | --- |\n");
        for (ConfigOption<?> option : DriftlessOptions.ALL) {
            out.append(String.format("| `%s` | `--%s` | %s | %s | %s | %s |\n",
                    option.key(), option.key().substring(PREFIX.length()), typeName(option).replace("|", " \\| "),
                    option.hasDefaultValue() ? "`" + render(option.defaultValue()) + "`" : "(none)",
                    DriftlessOptions.rangeOf(option).map(OptionRange::describe).orElse(""),
                    describe(option).replace("|", "\\|").replaceAll("\\R\\s*", " ")));
        }
        return out.toString();
    }

    /** An option's description as plain text (a {@code Description}'s toString is its identity). */
    static String describe(ConfigOption<?> option) {
        return new PlainTextFormatter().format(option.description());
    }

    /** Renders Flink's description blocks as terminal text: links as their text, lists as dashes. */
    private static final class PlainTextFormatter extends Formatter {

        @Override
        protected void formatLink(StringBuilder state, String link, String description) {
            state.append(description.isEmpty() ? link : description + " (" + link + ")");
        }

        @Override
        protected void formatLineBreak(StringBuilder state) {
            state.append(System.lineSeparator());
        }

        @Override
        protected void formatText(StringBuilder state, String format, String[] elements,
                EnumSet<TextElement.TextStyle> styles) {
            // a plain description is no format string: a "50 %" in it must not be read as one
            state.append(elements.length == 0 ? format : String.format(format, (Object[]) elements));
        }

        @Override
        protected void formatList(StringBuilder state, String[] entries) {
            for (String entry : entries) {
                state.append(System.lineSeparator()).append("    - ").append(entry);
            }
        }

        @Override
        protected Formatter newInstance() {
            return new PlainTextFormatter();
        }
    }

    private static String typeName(ConfigOption<?> option) {
        Object example = option.hasDefaultValue() ? option.defaultValue() : null;
        if (example instanceof Duration) {
            return "duration";
        }
        if (example instanceof Enum<?> e) {
            return String.join("|", enumNames(e.getDeclaringClass()));
        }
        if (example instanceof Boolean) {
            return "true|false";
        }
        return example instanceof Integer ? "int" : "string";
    }

    private static List<String> enumNames(Class<?> type) {
        return java.util.Arrays.stream(type.getEnumConstants()).map(Object::toString).toList();
    }

    private static String render(Object value) {
        if (value instanceof Duration d) {
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
        }
        return String.valueOf(value);
    }

    private static List<String> imageModels(ReadableConfig conf) {
        List<String> models = conf.getOptional(IMAGE_MODEL).orElse(List.of()).stream()
                .map(String::strip).filter(m -> !m.isEmpty()).toList();
        if (models.size() != models.stream().distinct().count()) {
            throw new IllegalArgumentException(IMAGE_MODEL.key() + " names a model twice: " + String.join(";", models));
        }
        return models;
    }

    private static String inferenceTarget(ReadableConfig conf, InferenceBackend backend) {
        String target = conf.getOptional(INFERENCE_TARGET).filter(t -> !t.isBlank()).orElse(null);
        if (backend == InferenceBackend.IN_PROCESS) {
            if (target != null) {
                throw new IllegalArgumentException(INFERENCE_TARGET.key() + " is set but " + INFERENCE_BACKEND.key()
                        + " is in-process: add --inference remote to use the server at " + target);
            }
            return null;
        }
        if (target == null) {
            throw new IllegalArgumentException(INFERENCE_BACKEND.key() + " is remote but no server is given: set"
                    + " --inference-target (" + INFERENCE_TARGET.key() + ") to host:port, e.g. --inference-target"
                    + " localhost:50051");
        }
        try {
            HostAndPort.parseList(target);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(INFERENCE_TARGET.key() + ": " + e.getMessage(), e);
        }
        return target;
    }

    private static InFlightLimitOptions inferenceInFlightLimit(ReadableConfig conf) {
        InFlightLimitOptions.Algorithm algorithm = conf.get(INFERENCE_LIMIT_ALGORITHM);
        int min = conf.get(INFERENCE_LIMIT_MIN);
        int max = conf.get(INFERENCE_LIMIT_MAX);
        if (max < min) {
            throw new IllegalArgumentException(INFERENCE_LIMIT_MAX.key() + " (" + max + ") must be at least "
                    + INFERENCE_LIMIT_MIN.key() + " (" + min + "): lower the minimum too, or raise the maximum");
        }
        int initial = conf.get(INFERENCE_LIMIT_INITIAL);
        if (initial < min || initial > max) {
            throw new IllegalArgumentException(INFERENCE_LIMIT_INITIAL.key() + " (" + initial + ") must be between "
                    + INFERENCE_LIMIT_MIN.key() + " (" + min + ") and " + INFERENCE_LIMIT_MAX.key() + " (" + max + ")");
        }
        // the bounds are checked even when off: a wrong one is wrong whichever algorithm is chosen later
        return algorithm == InFlightLimitOptions.Algorithm.OFF ? InFlightLimitOptions.OFF
                : new InFlightLimitOptions(algorithm, initial, min, max);
    }

    private static ClientTls inferenceTls(ReadableConfig conf) {
        try {
            return new ClientTls(
                    conf.getOptional(INFERENCE_TLS_TRUST).orElse(null),
                    conf.getOptional(INFERENCE_TLS_CLIENT_CERT).orElse(null),
                    conf.getOptional(INFERENCE_TLS_CLIENT_KEY).orElse(null));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (" + INFERENCE_TLS_TRUST.key() + ", "
                    + INFERENCE_TLS_CLIENT_CERT.key() + ", " + INFERENCE_TLS_CLIENT_KEY.key() + ")", e);
        }
    }

    private static String topic(ReadableConfig conf, ConfigOption<String> option) {
        String value = conf.get(option);
        checkTopic(option, value);
        return value;
    }

    private static void checkTopic(ConfigOption<String> option, String topic) {
        if (!TOPIC.matcher(topic).matches()) {
            throw new IllegalArgumentException(option.key() + " '" + topic + "' is not a valid Kafka topic"
                    + " name: use 1-249 characters of [A-Za-z0-9._-]");
        }
    }

    /** Every topic the pattern can name, for any valid session id, must be a valid topic. */
    private static void checkTopicPattern(ConfigOption<String> option, String pattern) {
        ResponseTopicPattern topics;
        try {
            topics = new ResponseTopicPattern(pattern);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option.key() + ": " + e.getMessage(), e);
        }
        String longest = topics.topicFor("s".repeat(topics.perSession() ? FrameDecoder.MAX_SESSION_ID_LENGTH : 1));
        if (longest.length() > 249) {
            throw new IllegalArgumentException(option.key() + " '" + pattern + "' gives topic names"
                    + " longer than Kafka's 249 characters for " + FrameDecoder.MAX_SESSION_ID_LENGTH
                    + "-character session ids: shorten it");
        }
        checkTopic(option, topics.topicFor("s"));
    }

    private static String nonBlank(ReadableConfig conf, ConfigOption<String> option) {
        String value = conf.get(option);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(option.key() + " must not be blank");
        }
        return value;
    }
}
