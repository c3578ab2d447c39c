package io.driftless.cluster.testutils;

import io.driftless.source.RunSummary;
import io.driftless.source.SyntheticConfig;
import io.driftless.source.SyntheticRun;
import io.driftless.source.accounting.AccountingReport;
import io.driftless.source.accounting.AnswerReader;
import io.driftless.source.accounting.FrameLedger;
import io.driftless.source.accounting.SentLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Synthetic users against the job on a real cluster, in the background, each frame logged as
 * sent so that the books can be kept afterwards (the frame-source's accounting).
 */
public final class Users implements AutoCloseable {

    private final String bootstrapServers;
    private final JobTopics topics;
    private final Path sentLog;
    private final SyntheticRun run;
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final CompletableFuture<RunSummary> summary;

    private Users(String bootstrapServers, JobTopics topics, SyntheticConfig config, Path sentLog) {
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
        this.sentLog = sentLog;
        this.run = new SyntheticRun(config);
        this.summary = CompletableFuture.supplyAsync(run::run, thread);
    }

    /**
     * Starts {@code users} at 30 fps for {@code duration} with the largest budget the job takes
     * (1 s, so that a test machine shared with other builds still answers most frames), seeded,
     * logging what they send to {@code sentLog}.
     */
    public static Users start(String bootstrapServers, JobTopics topics, int users, Duration duration, Path sentLog) {
        SyntheticConfig config = SyntheticConfig.builder()
                .users(users)
                .fps(30)
                .duration(duration)
                .deadlineMs(1_000)
                .bootstrapServers(bootstrapServers)
                .framesTopic(topics.frames())
                .coordinatesTopicPattern(topics.coordinates())
                .droppedTopic(topics.dropped())
                .drainTimeout(Duration.ofSeconds(60))
                .sentLog(sentLog)
                .seed(15)
                .build();
        return new Users(bootstrapServers, topics, config, sentLog);
    }

    /** Responses received so far. */
    public long responses() {
        return run.progress().responses();
    }

    /** Frames sent so far. */
    public long sent() {
        return run.progress().sent();
    }

    /** Stops sending now; {@link #summary()} then drains what is in flight. */
    public void stopSending() {
        run.stop();
    }

    /** Waits for the run to end (its duration, then draining) and sums it up. */
    public RunSummary summary() throws Exception {
        return summary.get(5, TimeUnit.MINUTES);
    }

    /** Every frame sent, matched against the answers on the output topics. */
    public AccountingReport books() {
        FrameLedger ledger = new FrameLedger();
        SentLog.readInto(sentLog, ledger);
        new AnswerReader(bootstrapServers, topics.coordinates(), topics.dropped(), Map.of(), Duration.ofSeconds(30))
                .readInto(ledger, Duration.ofSeconds(10));
        return ledger.report();
    }

    @Override
    public void close() {
        run.close();
        thread.shutdownNow();
    }
}
