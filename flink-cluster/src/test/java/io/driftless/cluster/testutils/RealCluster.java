package io.driftless.cluster.testutils;

import io.driftless.cluster.FlinkDistribution;
import io.driftless.cluster.KafkaBrokerProcess;
import io.driftless.cluster.StandaloneCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A real cluster for a test class: the Kafka broker and a standalone Flink session cluster, each
 * process a JVM of its own, started from the artifacts this module's build lays out and
 * configured by {@code deploy/flink/config.yaml}. A failing test prints the tails of every log.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RealCluster CLUSTER = RealCluster.builder().taskManagers(2).build();
 * }</pre>
 */
public final class RealCluster implements BeforeAllCallback, AfterAllCallback, TestWatcher {

    private final int taskManagers;
    private final Map<String, String> config;
    private KafkaBrokerProcess kafka;
    private StandaloneCluster flink;

    private RealCluster(int taskManagers, Map<String, String> config) {
        this.taskManagers = taskManagers;
        this.config = config;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The job jar as {@code flink run} takes it: flink-job's shaded jar. */
    public static Path jobJar() {
        Path jar = Path.of(property("driftless.job.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no job jar at " + jar + ": build with flink-job in the reactor"
                    + " (mvn -pl flink-cluster -am verify)");
        }
        return jar;
    }

    /** The deployed Flink configuration the cluster starts from. */
    public static Path deployedConfig() {
        return Path.of(property("driftless.flink.config"));
    }

    public StandaloneCluster flink() {
        return flink;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Path work = Path.of(property("driftless.cluster.work"), context.getRequiredTestClass().getSimpleName());
        deleteRecursively(work);
        kafka = KafkaBrokerProcess.start(System.getProperty("java.class.path"), 2, work.resolve("log"));
        StandaloneCluster.Builder builder = StandaloneCluster.builder()
                .distribution(FlinkDistribution.at(Path.of(property("driftless.flink.home"))))
                .deployedConfig(deployedConfig())
                .workDir(work)
                .taskManagers(taskManagers);
        config.forEach(builder::config);
        flink = builder.build().start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (flink != null) {
                flink.close();
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (flink != null) {
            System.out.println("cluster logs after " + context.getDisplayName() + " failed:\n" + flink.diagnostics());
        }
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {}

    /** A previous run's logs, checkpoints and temp files, so that this run's stand alone. */
    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is unset; run the tests through Maven"
                    + " (flink-cluster/pom.xml sets it)");
        }
        return value;
    }

    /** The cluster's shape. */
    public static final class Builder {
        private int taskManagers = 2;
        private final Map<String, String> config = new LinkedHashMap<>();

        private Builder() {}

        public Builder taskManagers(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("taskManagers must be at least 1, got " + count);
            }
            this.taskManagers = count;
            return this;
        }

        /** A Flink setting on top of the deployed file's. */
        public Builder config(String key, String value) {
            config.put(key, value);
            return this;
        }

        public RealCluster build() {
            return new RealCluster(taskManagers, Map.copyOf(config));
        }
    }
}
