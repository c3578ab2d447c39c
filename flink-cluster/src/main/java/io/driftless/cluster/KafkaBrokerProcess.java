package io.driftless.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The project's embedded Kafka broker ({@code io.driftless.kafka.EmbeddedKafkaMain}) in a JVM
 * of its own, on a free port, as a broker beside a real cluster would be.
 */
public final class KafkaBrokerProcess implements AutoCloseable {

    private static final String READY = "Kafka broker ready; bootstrap servers: ";

    private final ChildJvm jvm;
    private final String bootstrapServers;

    private KafkaBrokerProcess(ChildJvm jvm, String bootstrapServers) {
        this.jvm = jvm;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Starts the broker with {@code classpath} (one that holds the embedded-kafka module and its
     * dependencies), topics created on first use with {@code partitions} partitions, its output
     * to {@code logDir/kafka.out}; returns once it takes clients.
     */
    public static KafkaBrokerProcess start(String classpath, int partitions, Path logDir) {
        ChildJvm jvm = ChildJvm.start("kafka", List.of("-Xmx512m", "-XX:+UseG1GC"), classpath,
                "io.driftless.kafka.EmbeddedKafkaMain",
                List.of("--port", String.valueOf(FreePorts.next()), "--partitions", String.valueOf(partitions)),
                Map.of(), logDir.resolve("kafka.out"));
        try {
            String ready = jvm.awaitOutputLine(line -> line.startsWith(READY), Duration.ofMinutes(2));
            return new KafkaBrokerProcess(jvm, ready.substring(READY.length()).trim());
        } catch (RuntimeException e) {
            jvm.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public ChildJvm jvm() {
        return jvm;
    }

    @Override
    public void close() {
        jvm.close();
    }
}
