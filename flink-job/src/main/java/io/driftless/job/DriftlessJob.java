package io.driftless.job;

import io.driftless.inference.MicroClock;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.FrameInferenceFactory;
import io.driftless.job.inference.InferenceAsyncFunction;
import io.driftless.inference.service.InferenceOutcome;
import io.driftless.inference.service.ModelRoutedInferenceFactory;
import io.driftless.inference.face.FaceDetectionAdapter;
import io.driftless.inference.service.OnnxFaceInferenceFactory;
import io.driftless.inference.service.OnnxImageModelInferenceFactory;
import io.driftless.inference.service.OnnxPoseInferenceFactory;
import io.driftless.inference.service.PayloadRoutedInferenceFactory;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.pose.PoseModelAdapter;
import io.driftless.inference.remote.RemoteInferenceFactory;
import io.driftless.job.gate.AdmissionGate;
import io.driftless.job.gate.RenderGate;
import io.driftless.job.kafka.KafkaEndpoints;
import io.driftless.job.kafka.RawFrame;
import io.driftless.job.kafka.TopicSetup;
import io.driftless.job.parse.FrameDecoder;
import io.driftless.job.parse.FrameParser;
import io.driftless.job.record.Drops;
import io.driftless.job.record.FrameDrop;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The driftless job: frames in, AR coordinates (landmark frames) or annotated frames plus
 * coordinates (image frames) or drops out, each frame exactly once.
 *
 * <pre>
 * frames ─ parse ─ keyBy(session) ─ admission gate ─ async inference ─ render gate ─ coordinates
 *            │ invalid                 │ stale, late       (timeouts, failures) │        └ annotated
 *            │                         │                                      │ deadline, stale
 *            └─────────────────────────┴──────────────── dropped ◄─────────────────┘
 * </pre>
 *
 * <p>Watermarks: none on this path. In unordered async mode no record overtakes a watermark,
 * so one slow request would hold back every frame behind it; records carry their capture time
 * as event-time timestamp for any event-time consumer downstream, which should generate its
 * own watermarks after the render gate.
 */
public final class DriftlessJob {

    private DriftlessJob() {}

    /**
     * Runs the job. Under {@code flink run}, the web UI, REST or application mode this runs in a
     * client or in the JobManager's JVM: it never exits that JVM; a bad argument or a topic the
     * job cannot use fails with a {@link JobArgumentsException} whose message says what to fix,
     * which the CLI prints and REST returns to its caller.
     */
    public static void main(String[] args) throws Exception {
        CommandLine cli = parseArguments(args);
        if (cli.help()) {
            System.out.print(JobConfig.usage());
            return;
        }
        // under flink run the environment holds the cluster's settings too
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cli.settings());
        JobConfig config = configure(cli, env.getConfiguration());
        if (config.createTopics) {
            try {
                TopicSetup.createMissing(config);
            } catch (IllegalStateException e) {
                throw new JobArgumentsException("driftless: " + e.getMessage(), e);
            }
        }
        env.configure(JobConfig.missingFlinkDefaults(env.getConfiguration()));
        build(env, config, MicroClock.system());
        env.execute("driftless");
    }

    /** The command line, or a {@link JobArgumentsException} that says what is wrong with it. */
    static CommandLine parseArguments(String[] args) {
        try {
            return CommandLine.parse(args);
        } catch (IllegalArgumentException e) {
            throw JobArgumentsException.of(e);
        }
    }

    /** The job's settings from its command line and the cluster's configuration. */
    static JobConfig configure(CommandLine cli, ReadableConfig cluster) {
        try {
            Map<String, String> kafka = JobConfig.kafkaPropertiesIn(cluster);
            kafka.putAll(cli.kafkaProperties());
            return JobConfig.from(cli.settings(), kafka);
        } catch (IllegalArgumentException e) {
            throw JobArgumentsException.of(e);
        }
    }

    /** The production wiring: Kafka in and out, the pose model in-process or on a server. */
    public static void build(StreamExecutionEnvironment env, JobConfig config, MicroClock clock) {
        topology(env, config,
                KafkaEndpoints.frames(config, clock),
                KafkaEndpoints.coordinates(config),
                KafkaEndpoints.annotated(config),
                KafkaEndpoints.dropped(config),
                inference(config),
                clock);
    }

    /** Both models, each frame served by the one its payload needs. */
    public static FrameInferenceFactory inference(JobConfig config) {
        return new PayloadRoutedInferenceFactory(poseInference(config), faceInference(config));
    }

    /** The pose model where {@link JobConfig#inferenceBackend} says it runs. */
    public static FrameInferenceFactory poseInference(JobConfig config) {
        return switch (config.inferenceBackend) {
            case IN_PROCESS -> new OnnxPoseInferenceFactory(config.poseModel,
                    runnerOptions(config, config.maxBatchSize));
            case REMOTE -> remote(config, PoseModelAdapter.MODEL_NAME);
        };
    }

    /**
     * The models of image frames where {@link JobConfig#inferenceBackend} says: the users' image
     * models when {@link JobConfig#imageModels} names any, each frame served by the one it asks
     * for; else the face model (detector, then pose of the first face).
     */
    public static FrameInferenceFactory faceInference(JobConfig config) {
        if (config.imageModels.isEmpty()) {
            return switch (config.inferenceBackend) {
                case IN_PROCESS -> new OnnxFaceInferenceFactory(config.faceModel, config.poseModel,
                        runnerOptions(config, config.maxImageBatchSize), config.inputLimits.jpegLimits(),
                        config.imageThreads, config.annotatedQuality);
                case REMOTE -> remote(config, FaceDetectionAdapter.MODEL_NAME);
            };
        }
        List<FrameInferenceFactory> models = new ArrayList<>();
        for (String model : config.imageModels) {
            models.add(switch (config.inferenceBackend) {
                case IN_PROCESS -> new OnnxImageModelInferenceFactory(model,
                        runnerOptions(config, config.maxImageBatchSize), config.inputLimits.jpegLimits(),
                        config.imageThreads, config.annotatedQuality);
                case REMOTE -> remote(config, model);
            });
        }
        return new ModelRoutedInferenceFactory(models);
    }

    private static FrameInferenceFactory remote(JobConfig config, String model) {
        return RemoteInferenceFactory.builder(config.inferenceTarget, model)
                .tls(config.inferenceTls)
                .streamsPerServer(config.inferenceStreamsPerServer)
                .inFlightLimit(config.inferenceInFlightLimit)
                .build();
    }

    /** Options of an in-process model: the job's queue and threads, with the batch size of its kind of frame. */
    private static RunnerOptions runnerOptions(JobConfig config, int maxBatchSize) {
        return RunnerOptions.builder()
                .maxBatchSize(maxBatchSize)
                .queueCapacity(config.queueCapacity)
                .intraOpThreads(config.intraOpThreads)
                .build();
    }

    /** The topology itself, with its endpoints and model handed in so tests can feed it. */
    public static void topology(
            StreamExecutionEnvironment env,
            JobConfig config,
            Source<RawFrame, ?, ?> frames,
            Sink<InferenceOutcome> coordinates,
            Sink<InferenceOutcome> annotated,
            Sink<FrameDrop> dropped,
            FrameInferenceFactory inference,
            MicroClock clock) {
        long idleMs = config.sessionIdleTimeout.toMillis();

        SingleOutputStreamOperator<FrameEnvelope> parsed = env
                .fromSource(frames, WatermarkStrategy.noWatermarks(), "frames")
                .uid("frames-source")
                .process(new FrameParser(decoder(config), clock))
                .name("parse")
                .uid("parse");

        SingleOutputStreamOperator<FrameEnvelope> admitted = parsed
                .assignTimestampsAndWatermarks(WatermarkStrategy.<FrameEnvelope>noWatermarks()
                        .withTimestampAssigner((frame, ts) -> frame.captureTimeUs / 1000))
                .name("capture time")
                .keyBy(new SessionKey())
                .process(new AdmissionGate(inference, config.clockWindow, config.sessionRateCap, idleMs, clock))
                .name("admission gate")
                .uid("admission-gate");

        SingleOutputStreamOperator<InferenceOutcome> inferred = AsyncDataStream.unorderedWait(
                        admitted,
                        new InferenceAsyncFunction(inference, clock),
                        // a safety net only: each frame's own budget is enforced per request
                        config.maxDeadline.toMillis() + 1_000,
                        TimeUnit.MILLISECONDS,
                        config.asyncCapacity)
                .name("inference")
                .uid("inference");

        // the async stage keeps each record on its key's subtask: no second shuffle needed
        SingleOutputStreamOperator<InferenceOutcome> rendered = DataStreamUtils
                .reinterpretAsKeyedStream(inferred, new OutcomeSessionKey())
                .process(new RenderGate(config.smoothing, idleMs, KafkaEndpoints.annotatedMaxJpegBytes(config), clock))
                .name("render gate")
                .uid("render-gate");

        // an image frame's one response may be two records: its annotated frame and, when a face
        // was found, the first face's coordinates, both under the frame's (session, sequence)
        rendered.filter(outcome -> !outcome.withoutPose)
                .name("with pose")
                .sinkTo(coordinates).name("coordinates sink").uid("coordinates-sink");
        rendered.filter(outcome -> outcome.annotatedJpeg != null)
                .name("image frames")
                .sinkTo(annotated).name("annotated sink").uid("annotated-sink");

        DataStream<FrameDrop> drops = parsed.getSideOutput(Drops.TAG)
                .union(admitted.getSideOutput(Drops.TAG), rendered.getSideOutput(Drops.TAG));
        drops.sinkTo(dropped).name("dropped sink").uid("dropped-sink");
    }

    static FrameDecoder decoder(JobConfig config) {
        return new FrameDecoder(
                (int) config.defaultDeadline.toMillis(),
                (int) config.maxDeadline.toMillis(),
                config.maxClockOffset.toNanos() / 1000,
                config.maxSendDelay.toNanos() / 1000,
                config.inputLimits,
                config.replyTopics);
    }

    /** Keys frames by session. */
    public static final class SessionKey implements KeySelector<FrameEnvelope, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(FrameEnvelope frame) {
            return frame.sessionId;
        }
    }

    /** Keys outcomes by session, exactly as {@link SessionKey} keyed their frames. */
    public static final class OutcomeSessionKey implements KeySelector<InferenceOutcome, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(InferenceOutcome outcome) {
            return outcome.frame.sessionId;
        }
    }
}
