package io.driftless.bench.system;

import io.driftless.inference.MicroClock;
import io.driftless.inference.service.FrameInferenceFactory;
import io.driftless.inference.remote.InFlightLimitOptions;
import io.driftless.job.DriftlessJob;
import io.driftless.job.DriftlessOptions;
import io.driftless.job.JobConfig;
import io.driftless.job.kafka.KafkaEndpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;

/**
 * The driftless job on a local Flink cluster in this JVM, with the job's own Flink defaults
 * (buffer timeout 0, checkpoints every 10 s, object reuse) and no metrics reporter unless asked
 * for, reading and writing its own topics of the bench broker.
 */
public final class FlinkSystem implements SystemUnderTest {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final Topics topics;
    private final JobClient job;
    private final AutoCloseable sidecar;
    private final Path checkpoints;
    private MetricsScraper scraper;

    private FlinkSystem(String name, Topics topics, JobClient job, AutoCloseable sidecar, Path checkpoints) {
        this.name = name;
        this.topics = topics;
        this.job = job;
        this.sidecar = sidecar;
        this.checkpoints = checkpoints;
    }

    /** The job with the pose model in-process, as in production. */
    public static FlinkSystem pipeline(BenchBroker broker, int parallelism) throws Exception {
        return start("pipeline", broker, parallelism, new Configuration(), new Configuration(), null, null);
    }

    /**
     * The job as {@link #pipeline}, with Flink's Prometheus reporter on and read every
     * {@code scrapeInterval}, as the local run and the deployments have it.
     */
    public static FlinkSystem pipelineWithPrometheus(BenchBroker broker, int parallelism, Duration scrapeInterval)
            throws Exception {
        int port = FreePorts.pick();
        Configuration flink = new Configuration();
        flink.setString("metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        flink.setString("metrics.reporter.prom.port", Integer.toString(port));
        FlinkSystem system = start("pipeline, Prometheus reporter", broker, parallelism, flink, new Configuration(),
                null, null);
        system.scraper = MetricsScraper.start(port, scrapeInterval);
        return system;
    }

    /** The scraper reading this system's Prometheus endpoint; empty when it has no reporter. */
    public Optional<MetricsScraper> scraper() {
        return Optional.ofNullable(scraper);
    }

    /** The job's topology with a model that costs nothing. */
    public static FlinkSystem transportFloor(BenchBroker broker, int parallelism) throws Exception {
        return start("transport floor", broker, parallelism, new Configuration(), new Configuration(),
                new InstantInference.Factory(), null);
    }

    /**
     * The job calling the pose model on an inference server on a local port, in this JVM;
     * {@code limited}: within the client's adaptive in-flight limit (Vegas), else with it off (the default).
     */
    public static FlinkSystem remote(BenchBroker broker, int parallelism, boolean limited) throws Exception {
        ModelServer server = ModelServer.start();
        try {
            Configuration settings = new Configuration();
            settings.set(DriftlessOptions.INFERENCE_BACKEND, DriftlessOptions.InferenceBackend.REMOTE);
            settings.set(DriftlessOptions.INFERENCE_TARGET, server.target());
            settings.set(DriftlessOptions.INFERENCE_LIMIT_ALGORITHM,
                    limited ? InFlightLimitOptions.Algorithm.VEGAS : InFlightLimitOptions.Algorithm.OFF);
            return start(limited ? "pipeline, remote model" : "pipeline, remote model, no in-flight limit", broker,
                    parallelism, new Configuration(), settings, null, server);
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    private static FlinkSystem start(String name, BenchBroker broker, int parallelism, Configuration flinkSettings,
            Configuration jobSettings, FrameInferenceFactory inference, AutoCloseable sidecar) throws Exception {
        Topics topics = broker.create(name.toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", "-"));
        Configuration settings = new Configuration(jobSettings);
        settings.set(DriftlessOptions.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        settings.set(DriftlessOptions.FRAMES_TOPIC, topics.frames());
        settings.set(DriftlessOptions.COORDINATES_TOPIC_PATTERN, topics.coordinates());
        settings.set(DriftlessOptions.ANNOTATED_TOPIC_PATTERN, topics.annotated());
        settings.set(DriftlessOptions.DROPPED_TOPIC, topics.dropped());
        settings.set(DriftlessOptions.GROUP_ID, "bench-" + topics.frames());
        JobConfig config = JobConfig.from(settings, Map.of());

        Configuration flink = new Configuration(flinkSettings);
        JobConfig.applyFlinkDefaults(flink);
        // on disk, not in the JobManager's memory, whose 5 MB cap a few thousand sessions exceed
        Path checkpoints = Files.createTempDirectory("driftless-bench-checkpoints-");
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(flink);
        env.setParallelism(parallelism);
        MicroClock clock = MicroClock.system();
        DriftlessJob.topology(env, config,
                KafkaEndpoints.frames(config, clock),
                KafkaEndpoints.coordinates(config),
                KafkaEndpoints.annotated(config),
                KafkaEndpoints.dropped(config),
                inference != null ? inference : DriftlessJob.inference(config),
                clock);
        JobClient job = env.executeAsync("driftless bench: " + name);
        try {
            awaitRunning(job);
        } catch (Exception | Error e) {
            FileUtils.deleteDirectoryQuietly(checkpoints.toFile());
            throw e;
        }
        return new FlinkSystem(name, topics, job, sidecar, checkpoints);
    }


    private static void awaitRunning(JobClient job) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (job.getJobStatus().get() != JobStatus.RUNNING) {
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                job.getJobExecutionResult().get();
                throw new IllegalStateException("the job ended before it ran");
            }
            if (System.nanoTime() > deadline) {
                job.cancel();
                throw new IllegalStateException("the job did not start within " + START_TIMEOUT.toSeconds() + " s");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Topics topics() {
        return topics;
    }

    /** Stops scraping, cancels the job and waits for it to end; then stops the model server, if any. */
    @Override
    public void close() throws Exception {
        if (scraper != null) {
            scraper.close();
        }
        try {
            job.cancel().get(30, TimeUnit.SECONDS);
            try {
                job.getJobExecutionResult().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException cancelled) {
                // the expected end of a cancelled job
            }
        } finally {
            FileUtils.deleteDirectoryQuietly(checkpoints.toFile());
            if (sidecar != null) {
                sidecar.close();
            }
        }
    }
}
