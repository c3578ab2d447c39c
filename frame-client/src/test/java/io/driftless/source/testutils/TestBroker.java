package io.driftless.source.testutils;

import io.driftless.kafka.EmbeddedKafkaBroker;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What every client test against Kafka stands on: a real broker for the test class, and fresh
 * topics for each test, named after it ({@code <prefix>.<method>.frames}, {@code .coordinates},
 * {@code .annotated}, {@code .dropped}).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestBroker KAFKA = new TestBroker("it", 2);
 *
 * @Test
 * void sendsFrames() {
 *     TestBroker.Topics topics = KAFKA.topics();
 *     // send to topics.frames() on KAFKA.bootstrapServers(), read the answers
 * }
 * }</pre>
 */
public final class TestBroker
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    /** The topics of one test, created before it runs. */
    public record Topics(String frames, String coordinates, String annotated, String dropped) {}

    private final String prefix;
    private final int partitions;
    private EmbeddedKafkaBroker broker;
    private Topics topics;

    /**
     * @param prefix the first part of every topic name
     * @param partitions partitions per topic
     */
    public TestBroker(String prefix, int partitions) {
        this.prefix = prefix;
        this.partitions = partitions;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** This test's topics. */
    public Topics topics() {
        if (topics == null) {
            throw new IllegalStateException(
                    "topics exist only while a test runs, not in @BeforeAll or @AfterAll");
        }
        return topics;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = EmbeddedKafkaBroker.builder().build();
        broker.start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        String name = prefix + "." + context.getRequiredTestMethod().getName() + ".";
        Topics fresh = new Topics(name + "frames", name + "coordinates", name + "annotated",
                name + "dropped");
        for (String topic : new String[] {fresh.frames(), fresh.coordinates(), fresh.annotated(),
            fresh.dropped()}) {
            broker.createTopic(topic, partitions);
        }
        topics = fresh;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        topics = null;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
