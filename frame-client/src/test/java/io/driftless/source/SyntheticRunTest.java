package io.driftless.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SyntheticRunTest {

    /** Brokers nobody answers at, waited for far longer than the test runs. */
    private static SyntheticConfig unreachable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        return SyntheticConfig.builder()
                .bootstrapServers("127.0.0.1:" + closedPort)
                .connectTimeout(Duration.ofMinutes(5))
                .users(3)
                .build();
    }

    @Test
    void namesSessionsAfterItsRun() throws IOException {
        try (SyntheticRun run = new SyntheticRun(unreachable())) {
            assertThat(run.sessionId(2)).isEqualTo(run.runId() + "-u0002");
        }
    }

    @Test
    void drawsAFreshRunIdPerRunUnlessOneIsGiven() throws IOException {
        SyntheticConfig config = unreachable();
        try (SyntheticRun a = new SyntheticRun(config); SyntheticRun b = new SyntheticRun(config)) {
            assertThat(a.runId()).isNotEqualTo(b.runId());
        }
        SyntheticConfig fixed = SyntheticConfig.builder()
                .bootstrapServers(config.kafkaLink().bootstrapServers()).runId("bench-1").build();
        try (SyntheticRun run = new SyntheticRun(fixed)) {
            assertThat(run.sessionId(0)).isEqualTo("bench-1-u0000");
        }
    }

    @Test
    void stopsWhileStillLookingForTheBrokersWithNothingSent() throws Exception {
        try (SyntheticRun run = new SyntheticRun(unreachable())) {
            CompletableFuture<RunSummary> running = CompletableFuture.supplyAsync(run::run);
            run.stop();

            RunSummary summary = running.get(30, TimeUnit.SECONDS);

            assertThat(summary.sent()).isZero();
            assertThat(summary.unanswered()).isZero();
        }
    }

    @Test
    void runsOnlyOnce() throws Exception {
        try (SyntheticRun run = new SyntheticRun(unreachable())) {
            run.stop();
            run.run();

            assertThatIllegalStateException().isThrownBy(run::run)
                    .withMessage("run() may be called once per SyntheticRun");
        }
    }
}
