package io.driftless.job.testutils;

import static org.awaitility.Awaitility.await;

import io.driftless.job.inference.SharedInference;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves behind what a job loads: a model still held in the TaskManager's
 * {@link SharedInference} registry, a Kafka producer, or a thread of the inference stages.
 *
 * <p>Registered for every test of this module (see {@code META-INF/services}), before any
 * extension a test declares, so it looks after that extension has cancelled the test's job.
 * It compares with what was there before the test (and before the class, for what a class sets
 * up once), so a fixture that outlives one test on purpose is judged when its class ends.
 */
public final class NothingLeftBehind
        implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    /** Threads that live only as long as the operators, models or producers that start them. */
    private static final List<String> OWNED_THREAD_PREFIXES = List.of(
            "inference-deadlines-", "remote-inference-deadlines", "onnx-", "jpeg-",
            "kafka-producer-network-thread");

    /** Long enough for a cancelled job's tasks and a closed producer's I/O thread to finish. */
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(NothingLeftBehind.class);

    private record Held(Set<String> models, Set<String> threads) {
        boolean isEmpty() {
            return models.isEmpty() && threads.isEmpty();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put("class", held());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put("test", held());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        assertNothingNewSince(context.getStore(NAMESPACE).get("test", Held.class), "the test");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        assertNothingNewSince(context.getStore(NAMESPACE).get("class", Held.class), "the test class");
    }

    private static void assertNothingNewSince(Held before, String scope) {
        await("nothing left behind by " + scope + ": models held in SharedInference and live threads,"
                        + " besides those there before it").atMost(SETTLE).pollInterval(Duration.ofMillis(50))
                .until(() -> leftSince(before), Held::isEmpty);
    }

    private static Held leftSince(Held before) {
        Held now = held();
        Set<String> models = new TreeSet<>(now.models());
        models.removeAll(before.models());
        Set<String> threads = new TreeSet<>(now.threads());
        threads.removeAll(before.threads());
        return new Held(models, threads);
    }

    private static Held held() {
        Set<String> threads = new TreeSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && OWNED_THREAD_PREFIXES.stream().anyMatch(thread.getName()::startsWith)) {
                threads.add(thread.getName() + " #" + thread.getId());
            }
        }
        return new Held(new TreeSet<>(SharedInference.perTaskManager().keys()), threads);
    }
}
