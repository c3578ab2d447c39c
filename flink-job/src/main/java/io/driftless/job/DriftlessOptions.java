package io.driftless.job;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.driftless.inference.remote.InFlightLimitOptions;
import io.driftless.job.OptionRange.IntRange;
import io.driftless.job.OptionRange.MemoryRange;
import io.driftless.job.OptionRange.Positive;
import io.driftless.job.parse.InputLimits;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.MemorySize;

/**
 * Every setting of the driftless job, typed, with its default, what it means and, as an
 * {@link OptionRange} annotation on its field, the values it accepts. Set them in Flink's
 * {@code config.yaml} under these keys, or on the command line as {@code --bootstrap-servers host:9092}
 * (the {@code driftless.} prefix is optional there). Validated by {@link JobConfig}.
 */
public final class DriftlessOptions {

    public static final String PREFIX = "driftless.";

    /** Kafka client properties, passed through to the job's consumer and producers. */
    public static final String KAFKA_PREFIX = "kafka.";

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = key(PREFIX + "bootstrap-servers")
            .stringType()
            .noDefaultValue()
            .withDescription("Kafka bootstrap servers, host:port[,host:port...]. Required.");

    public static final ConfigOption<String> FRAMES_TOPIC = key(PREFIX + "frames-topic")
            .stringType()
            .defaultValue("driftless.frames")
            .withDescription("Topic the clients publish Frame records to, keyed by session id.");

    public static final ConfigOption<String> COORDINATES_TOPIC_PATTERN = key(PREFIX + "coordinates-topic-pattern")
            .stringType()
            .defaultValue("driftless.ar-coordinates")
            .withDescription("Topic for ArCoordinates responses. One shared topic keyed by session by"
                    + " default; a pattern containing {session} gives each session its own topic.");

    public static final ConfigOption<String> ANNOTATED_TOPIC_PATTERN = key(PREFIX + "annotated-topic-pattern")
            .stringType()
            .defaultValue("driftless.annotated")
            .withDescription("Topic for AnnotatedFrame responses to image frames. One shared topic keyed by"
                    + " session by default; a pattern containing {session} gives each session its own topic.");

    public static final ConfigOption<String> DROPPED_TOPIC = key(PREFIX + "dropped-topic")
            .stringType()
            .defaultValue("driftless.dropped")
            .withDescription("Topic for DroppedFrame records, keyed by session id.");

    public static final ConfigOption<List<String>> REPLY_TO_ALLOWED_PREFIXES = key(PREFIX + "reply-to.allowed-prefixes")
            .stringType()
            .asList()
            .defaultValues("driftless.reply.")
            .withDescription("Topic name prefixes a frame's reply_to may start with. The job writes that frame's"
                    + " answers to reply_to plus .ar-coordinates, .annotated or .dropped instead of the shared"
                    + " topics, so that each gateway instance reads only its own users' answers. A frame whose"
                    + " reply_to is under no listed prefix is dropped INVALID (and its drop goes to the shared"
                    + " dropped topic). Empty: no frame may ask for a reply topic.");

    public static final ConfigOption<String> GROUP_ID = key(PREFIX + "group-id")
            .stringType()
            .defaultValue("driftless-job")
            .withDescription("Kafka consumer group id of the job's source (offsets are committed on checkpoints).");

    public static final ConfigOption<Boolean> CREATE_TOPICS = key(PREFIX + "create-topics")
            .booleanType()
            .defaultValue(true)
            .withDescription("Create missing topics before the job starts (frames with LogAppendTime).");

    @IntRange(min = 1)
    public static final ConfigOption<Integer> TOPIC_PARTITIONS = key(PREFIX + "topic-partitions")
            .intType()
            .defaultValue(8)
            .withDescription("Partitions of the topics the job creates: the most source subtasks that get work.");

    public static final ConfigOption<StartingOffsets> STARTING_OFFSETS = key(PREFIX + "starting-offsets")
            .enumType(StartingOffsets.class)
            .defaultValue(StartingOffsets.COMMITTED_OR_EARLIEST)
            .withDescription("Where the source starts when it has no checkpoint. The default never skips"
                    + " a frame: old frames are answered cheaply as LATE_ON_ARRIVAL drops.");

    @Positive
    public static final ConfigOption<Duration> DEFAULT_DEADLINE = key(PREFIX + "deadline")
            .durationType()
            .defaultValue(Duration.ofMillis(33))
            .withDescription("Capture-to-render budget for frames that send deadline_ms = 0.");

    @Positive
    public static final ConfigOption<Duration> MAX_DEADLINE = key(PREFIX + "max-deadline")
            .durationType()
            .defaultValue(Duration.ofSeconds(1))
            .withDescription("Largest budget a frame may ask for; larger ones are INVALID.");

    public static final ConfigOption<String> POSE_MODEL = key(PREFIX + "model.pose")
            .stringType()
            .defaultValue("classpath:models/pose/pose-v1.onnx")
            .withDescription("The pose model: a file path, or classpath:NAME for one inside the job jar.");

    public static final ConfigOption<String> FACE_MODEL = key(PREFIX + "model.face")
            .stringType()
            .defaultValue("classpath:models/face/face_detection_short_range.onnx")
            .withDescription("The face detector for image frames (BlazeFace short-range layout): a file path,"
                    + " or classpath:NAME for one inside the job jar.");

    public static final ConfigOption<List<String>> IMAGE_MODEL = key(PREFIX + "model.image")
            .stringType()
            .asList()
            .noDefaultValue()
            .withDescription("Folders holding users' own image models for image frames, in place of the face"
                    + " detector, separated by ';': each a YOLO-layout object detector or a classifier, its ONNX"
                    + " file beside a model.properties descriptor (see docs/bring-your-own-model.md). Each must"
                    + " exist on every TaskManager; each is checked against its descriptor when the job starts."
                    + " A frame picks one by the name its descriptor gives (Image.model); a frame that names"
                    + " none gets the first. With remote inference, the names the inference server serves the"
                    + " models under instead (the server's --image-model loads the folders). Short form: --model.");

    public static final ConfigOption<InferenceBackend> INFERENCE_BACKEND = key(PREFIX + "inference.backend")
            .enumType(InferenceBackend.class)
            .defaultValue(InferenceBackend.IN_PROCESS)
            .withDescription("Where the model runs: in-process (ONNX Runtime in each TaskManager) or remote"
                    + " (an inference server at " + PREFIX + "inference.target). Short form: --inference.");

    public static final ConfigOption<String> INFERENCE_TARGET = key(PREFIX + "inference.target")
            .stringType()
            .noDefaultValue()
            .withDescription("The inference server(s) of the remote backend: host:port (DNS gives every"
                    + " address of the name) or host:port,host:port,...; calls are balanced round robin."
                    + " Short form: --inference-target.");

    public static final ConfigOption<String> INFERENCE_TLS_TRUST = key(PREFIX + "inference.tls.trust-certificates")
            .stringType()
            .noDefaultValue()
            .withDescription("PEM file of the CA certificates to check the inference server's certificate"
                    + " against; turns TLS on for the remote backend.");

    public static final ConfigOption<String> INFERENCE_TLS_CLIENT_CERT = key(PREFIX + "inference.tls.client-certificate")
            .stringType()
            .noDefaultValue()
            .withDescription("PEM file of the job's certificate chain, for servers that require mutual TLS.");

    public static final ConfigOption<String> INFERENCE_TLS_CLIENT_KEY = key(PREFIX + "inference.tls.client-key")
            .stringType()
            .noDefaultValue()
            .withDescription("PEM file (PKCS#8) of the private key of the job's certificate.");

    @IntRange(min = 1)
    public static final ConfigOption<Integer> INFERENCE_STREAMS_PER_SERVER = key(PREFIX + "inference.streams-per-server")
            .intType()
            .defaultValue(2)
            .withDescription("Long-lived gRPC streams the remote backend keeps open to each address the"
                    + " target resolves to when the job starts; frames of all sessions share them, and round"
                    + " robin spreads them over the servers.");

    public static final ConfigOption<InFlightLimitOptions.Algorithm> INFERENCE_LIMIT_ALGORITHM =
            key(PREFIX + "inference.remote.in-flight-limit.algorithm")
            .enumType(InFlightLimitOptions.Algorithm.class)
            .defaultValue(InFlightLimitOptions.DEFAULTS.algorithm())
            .withDescription("How the remote backend's limit on frames in flight (per TaskManager and model)"
                    + " follows the round trips: VEGAS keeps few frames queued beyond the fastest recent round"
                    + " trip, GRADIENT2 shrinks it when round trips grow beyond their long-run average; OFF"
                    + " sends every frame HTTP/2 flow control lets through. Frames beyond the limit are"
                    + " dropped as OVERLOADED at once instead of waiting past their deadline.");

    public static final ConfigOption<Integer> INFERENCE_LIMIT_INITIAL = key(PREFIX + "inference.remote.in-flight-limit.initial")
            .intType()
            .defaultValue(InFlightLimitOptions.DEFAULTS.initialLimit())
            .withDescription("The remote backend's in-flight limit before it has learned from round trips;"
                    + " between its min and its max.");

    @IntRange(min = 1)
    public static final ConfigOption<Integer> INFERENCE_LIMIT_MIN = key(PREFIX + "inference.remote.in-flight-limit.min")
            .intType()
            .defaultValue(InFlightLimitOptions.DEFAULTS.minLimit())
            .withDescription("The least the remote backend's in-flight limit falls to.");

    public static final ConfigOption<Integer> INFERENCE_LIMIT_MAX = key(PREFIX + "inference.remote.in-flight-limit.max")
            .intType()
            .defaultValue(InFlightLimitOptions.DEFAULTS.maxLimit())
            .withDescription("The most the remote backend's in-flight limit grows to; at least its min.");

    @IntRange(min = 1)
    public static final ConfigOption<Integer> MAX_BATCH_SIZE = key(PREFIX + "inference.max-batch-size")
            .intType()
            .defaultValue(64)
            .withDescription("Most frames one model call takes. Batches form only from frames already"
                    + " waiting: an idle model never waits for a batch to fill.");

    @IntRange(min = 1)
    public static final ConfigOption<Integer> MAX_IMAGE_BATCH_SIZE = key(PREFIX + "inference.max-image-batch-size")
            .intType()
            .defaultValue(1)
            .withDescription("Most image frames one face-detector call takes. 1 by default: on a CPU the"
                    + " detector's time per image does not fall with larger batches, so a batch only makes its"
                    + " first frames wait for the last; raise it where the model runs on a GPU.");

    @IntRange(min = 1, max = 64)
    public static final ConfigOption<Integer> IMAGE_THREADS = key(PREFIX + "inference.image-threads")
            .intType()
            .defaultValue(2)
            .withDescription("Threads per TaskManager that decode client JPEGs and encode the annotated frames.");

    @IntRange(min = 1, max = 100)
    public static final ConfigOption<Integer> ANNOTATED_QUALITY = key(PREFIX + "output.annotated-quality")
            .intType()
            .defaultValue(80)
            .withDescription("JPEG quality of the annotated frames, 1 to 100.");

    @IntRange(min = 1)
    public static final ConfigOption<Integer> QUEUE_CAPACITY = key(PREFIX + "inference.queue-capacity")
            .intType()
            .defaultValue(1024)
            .withDescription("Most frames waiting for the model per TaskManager; beyond it frames are"
                    + " dropped as OVERLOADED. At least the larger of the two max batch sizes.");

    @IntRange(min = 1)
    public static final ConfigOption<Integer> INTRA_OP_THREADS = key(PREFIX + "inference.intra-op-threads")
            .intType()
            .defaultValue(1)
            .withDescription("ONNX Runtime threads inside one model call.");

    @IntRange(min = 1)
    public static final ConfigOption<Integer> ASYNC_CAPACITY = key(PREFIX + "inference.async-capacity")
            .intType()
            .defaultValue(512)
            .withDescription("Most frames in flight in one async inference subtask before it backpressures.");

    @IntRange(min = 1)
    public static final ConfigOption<Integer> CLOCK_WINDOW = key(PREFIX + "admission.clock-window")
            .intType()
            .defaultValue(64)
            .withDescription("How many recent frames of a session the clock offset estimate takes its minimum over.");

    @IntRange(min = 1)
    public static final ConfigOption<Integer> MAX_SESSION_FPS = key(PREFIX + "admission.max-session-fps")
            .intType()
            .defaultValue(60)
            .withDescription("Most frames per second one session may send to inference, measured on the job's"
                    + " clock; frames over it are dropped as OVERLOADED before inference, so a session that"
                    + " floods the job spends its own share of the model, not its neighbours'. Twice the"
                    + " nominal 30 fps by default.");

    @IntRange(min = 1)
    public static final ConfigOption<Integer> SESSION_BURST = key(PREFIX + "admission.session-burst")
            .intType()
            .defaultValue(30)
            .withDescription("Frames a session may send at once, above " + PREFIX + "admission.max-session-fps,"
                    + " after a quieter spell (frames Kafka delivers together) before the cap applies.");

    @Positive
    public static final ConfigOption<Duration> MAX_CLOCK_OFFSET = key(PREFIX + "admission.max-clock-offset")
            .durationType()
            .defaultValue(Duration.ofMinutes(10))
            .withDescription("Frames whose client clock is further than this from the job's are INVALID.");

    @Positive
    public static final ConfigOption<Duration> MAX_SEND_DELAY = key(PREFIX + "admission.max-send-delay")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("Frames sent longer than this after their capture (client clock) are INVALID.");

    @Positive
    public static final ConfigOption<Duration> SESSION_IDLE_TIMEOUT = key(PREFIX + "session.idle-timeout")
            .durationType()
            .defaultValue(Duration.ofMinutes(1))
            .withDescription("Per-session state is cleared after this long without a frame.");

    @MemoryRange(min = "1 kb", max = "2 gb")
    public static final ConfigOption<MemorySize> MAX_FRAME_SIZE = key(PREFIX + "input.max-frame-size")
            .memoryType()
            .defaultValue(MemorySize.parse(InputLimits.DEFAULT_MAX_FRAME_BYTES + "b"))
            .withDescription("Largest frames-topic record the job parses; larger ones are INVALID before"
                    + " any parsing, which bounds what a client can make the job allocate. Kafka's own"
                    + " message.max.bytes applies first.");

    @IntRange(min = 1, max = InputLimits.LARGEST_IMAGE_SIDE)
    public static final ConfigOption<Integer> MAX_IMAGE_SIDE = key(PREFIX + "input.max-image-side")
            .intType()
            .defaultValue(InputLimits.DEFAULT_MAX_IMAGE_SIDE)
            .withDescription("Largest image width or height a frame may declare, in pixels (at most "
                    + InputLimits.LARGEST_IMAGE_SIDE + "); larger ones are INVALID before any image buffer"
                    + " exists.");

    public static final ConfigOption<Smoothing> SMOOTHING = key(PREFIX + "render.smoothing")
            .enumType(Smoothing.class)
            .defaultValue(Smoothing.MOTION_STATE)
            .withDescription("The pose a session's anchors are projected from: MOTION_STATE the pose the"
                    + " session's motion state estimates at the frame's capture, consistent with the rates it"
                    + " sends (the least drift, docs/drift.md); ONE_EURO the measured pose through a One-Euro"
                    + " filter, which damps jitter while the head is still at the cost of lag while it moves;"
                    + " NONE the pose as measured. Pose rates and anchor velocities come from the motion state"
                    + " either way.");

    /**
     * Every option above, in key order: each public static {@code ConfigOption} field of this class,
     * found by reflection so that no option can be left out of the command line, {@code --help} or
     * the reference. (The block below runs after the options, as static initializers run in the
     * order they are written.)
     */
    public static final List<ConfigOption<?>> ALL;

    /** The range each option declares with its field, in key order; {@link JobConfig} checks them all. */
    public static final List<OptionRange> RANGES;

    static {
        List<ConfigOption<?>> all = new ArrayList<>();
        List<OptionRange> ranges = new ArrayList<>();
        for (Field field : DriftlessOptions.class.getDeclaredFields()) {
            if (field.getType() != ConfigOption.class) {
                continue;
            }
            int modifiers = field.getModifiers();
            if (!Modifier.isPublic(modifiers) || !Modifier.isStatic(modifiers) || !Modifier.isFinal(modifiers)) {
                throw new IllegalStateException(field.getName() + ": an option must be public static final");
            }
            ConfigOption<?> option;
            try {
                option = (ConfigOption<?>) field.get(null);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(field.getName() + " is not readable", e);
            }
            all.add(option);
            OptionRange.declaredOn(field, option).ifPresent(ranges::add);
        }
        all.sort(Comparator.comparing(ConfigOption::key));
        ranges.sort(Comparator.comparing(range -> range.option().key()));
        ALL = List.copyOf(all);
        RANGES = List.copyOf(ranges);
    }

    /** Command-line short forms of options, without the {@code --}. */
    public static final Map<String, ConfigOption<?>> SHORT_FORMS = Map.of(
            "inference", INFERENCE_BACKEND,
            "model", IMAGE_MODEL,
            "inference-target", INFERENCE_TARGET);

    /** The range {@code option} declares, if any. */
    public static Optional<OptionRange> rangeOf(ConfigOption<?> option) {
        return RANGES.stream().filter(range -> range.option() == option).findFirst();
    }

    /** Where the job's model runs. */
    public enum InferenceBackend {
        IN_PROCESS("in-process"),
        REMOTE("remote");

        private final String name;

        InferenceBackend(String name) {
            this.name = name;
        }

        /** The configuration value; Flink parses enum options by this, ignoring case. */
        @Override
        public String toString() {
            return name;
        }
    }

    /** Where the source starts reading when it restores no checkpoint. */
    public enum StartingOffsets {
        COMMITTED_OR_EARLIEST,
        COMMITTED_OR_LATEST,
        EARLIEST,
        LATEST
    }

    /** Which pose the render gate draws a session's anchors from. */
    public enum Smoothing {
        MOTION_STATE,
        ONE_EURO,
        NONE
    }

    private DriftlessOptions() {}
}
