package io.driftless.local;

import io.driftless.cluster.ProjectBuild;
import io.driftless.job.DriftlessOptions;
import io.driftless.job.JobConfig;
import io.driftless.job.kafka.KafkaEndpoints;
import io.driftless.job.parse.InputLimits;
import io.driftless.kafka.EmbeddedKafkaBroker;
import io.driftless.kafka.EmbeddedKafkaException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The running system without its users: a real Kafka broker with the job's topics, and the job
 * on a local Flink with its web UI and, unless switched off, the Prometheus endpoint: a
 * MiniCluster in this JVM, or a standalone cluster of JVMs of their own ({@link JobShape}).
 *
 * <pre>{@code
 * try (LocalSystem system = LocalSystem.start(LocalSystem.Ports.DEFAULTS, 1, 2, () -> false)) {
 *     // stream frames to system.bootstrapServers()
 * }
 * }</pre>
 *
 * <p>{@link #close()} cancels the job before it stops the broker the job reads from.
 */
public final class LocalSystem implements AutoCloseable {

    /**
     * Where the system listens. Kafka port 0 picks a free port; Prometheus port 0 switches the
     * reporter off (to measure what metrics cost).
     */
    public record Ports(int kafka, int web, int prometheus) {

        public static final Ports DEFAULTS = new Ports(9092, 8081, 9249);

        public Ports {
            check("Kafka", kafka, 0);
            check("web UI", web, 1);
            check("Prometheus", prometheus, 0);
        }

        private static void check(String what, int port, int lowest) {
            if (port < lowest || port > 65_535) {
                throw new IllegalArgumentException(what + " port must be in " + lowest + "..65535, got " + port);
            }
        }

        public boolean prometheusEnabled() {
            return prometheus != 0;
        }
    }

    private final EmbeddedKafkaBroker broker;
    private final Ports ports;
    private final Path checkpoints;
    private LocalJob job;

    private LocalSystem(EmbeddedKafkaBroker broker, Ports ports, Path checkpoints) {
        this.broker = broker;
        this.ports = ports;
        this.checkpoints = checkpoints;
    }

    /**
     * Starts the broker and the job and returns once the job answers frames; stops what it
     * started when that fails or {@code cancelled} says so before then.
     */
    public static LocalSystem start(Ports ports, int parallelism, int partitions, BooleanSupplier cancelled)
            throws Exception {
        return start(ports, parallelism, partitions, new Configuration(), BrokerRetention.DEFAULT, JobShape.IN_PROCESS,
                cancelled);
    }

    /**
     * As above, with driftless options for the job besides its Kafka cluster, e.g. the inference
     * backend, how long the broker keeps records, and where the job runs.
     */
    public static LocalSystem start(Ports ports, int parallelism, int partitions, Configuration jobSettings,
            BrokerRetention retention, JobShape shape, BooleanSupplier cancelled) throws Exception {
        if (parallelism < 1 || partitions < 1) {
            throw new IllegalArgumentException("parallelism and partitions must be at least 1, got "
                    + parallelism + " and " + partitions);
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
                .brokerPort(ports.kafka())
                .defaultPartitions(partitions)
                // the broker shares two cores with the job and the clients: fewer, busier threads
                .brokerProperty("num.network.threads", "1")
                .brokerProperty("num.io.threads", "2")
                // KRaft's first periodic metadata snapshot, an hour in by default, leaves one more
                // 8 MiB batch buffer in KRaft's pool for good: a one-time step in the heap that
                // would land at a soak's end. Every minute, it lands in the run's first minute instead.
                .brokerProperty("metadata.log.max.snapshot.interval.ms", "60000")
                .brokerProperties(retention.brokerProperties())
                .build();
        // on disk, not in the JobManager's memory, whose 5 MB cap a few thousand sessions exceed
        LocalSystem system = new LocalSystem(broker, ports, Files.createTempDirectory("driftless-checkpoints-"));
        try {
            broker.start();
            // LogAppendTime puts the broker's stamp into every response's Timing
            system.createTopic(DriftlessOptions.FRAMES_TOPIC.defaultValue(), partitions,
                    Map.of("message.timestamp.type", "LogAppendTime"));
            system.createTopic(DriftlessOptions.COORDINATES_TOPIC_PATTERN.defaultValue(), partitions, Map.of());
            system.createTopic(DriftlessOptions.ANNOTATED_TOPIC_PATTERN.defaultValue(), partitions,
                    Map.of("max.message.bytes", Integer.toString(KafkaEndpoints.annotatedMaxBytes(
                            InputLimits.DEFAULT_MAX_FRAME_BYTES))));
            system.createTopic(DriftlessOptions.DROPPED_TOPIC.defaultValue(), partitions, Map.of());
            if (!cancelled.getAsBoolean()) {
                Configuration settings = new Configuration(jobSettings);
                settings.set(DriftlessOptions.BOOTSTRAP_SERVERS, broker.bootstrapServers());
                system.job = shape.inProcess()
                        ? InProcessJob.start(JobConfig.from(settings, Map.of()), ports, parallelism, system.checkpoints)
                        : ClusterJob.start(ProjectBuild.under(shape.projectRoot()), shape.workDir(),
                                shape.taskManagers(), ports, parallelism, settings);
                // a fresh cluster's TaskManagers load the job's classes and models first
                ServingProbe.await(broker.bootstrapServers(), DriftlessOptions.FRAMES_TOPIC.defaultValue(),
                        List.of(DriftlessOptions.COORDINATES_TOPIC_PATTERN.defaultValue(),
                                DriftlessOptions.DROPPED_TOPIC.defaultValue()),
                        shape.inProcess() ? Duration.ofSeconds(60) : Duration.ofSeconds(120), cancelled);
            }
            return system;
        } catch (Exception | Error e) {
            try {
                system.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The job's web UI, Prometheus endpoints and where it runs; null before the job started. */
    public LocalJob job() {
        return job;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public Ports ports() {
        return ports;
    }

    /** Creates a topic unless a client that connected early already made the broker create it. */
    private void createTopic(String name, int partitions, Map<String, String> configs) {
        try {
            broker.createTopic(name, partitions, configs);
        } catch (EmbeddedKafkaException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /** Cancels the job and stops what runs it, then stops Kafka. */
    @Override
    public void close() throws Exception {
        try {
            if (job != null) {
                job.close();
            }
        } finally {
            try {
                broker.close();
            } finally {
                FileUtils.deleteDirectoryQuietly(checkpoints.toFile());
            }
        }
    }
}
