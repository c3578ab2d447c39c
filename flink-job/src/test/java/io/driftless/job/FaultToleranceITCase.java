package io.driftless.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftless.job.testutils.EndToEndCluster;
import io.driftless.job.testutils.FailingInference;
import io.driftless.job.testutils.JobUnderTest;
import io.driftless.job.testutils.ServiceGap;
import io.driftless.proto.DropReason;
import io.driftless.source.RunSummary;
import io.driftless.source.SyntheticConfig;
import io.driftless.source.SyntheticRun;
import io.driftless.source.accounting.AccountingReport;
import io.driftless.source.accounting.AnswerReader;
import io.driftless.source.accounting.FrameLedger;
import io.driftless.source.accounting.SentLog;
import io.driftless.source.accounting.SessionAccount;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults under steady load, each checked by the books: every frame a client sent is answered
 * or dropped with a reason, whatever broke in between.
 */
class FaultToleranceITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    /** The TaskManagers the cluster starts with; a test may replace them. */
    private static final int TASK_MANAGERS = 2;

    @RegisterExtension
    static final EndToEndCluster CLUSTER = EndToEndCluster.builder()
            .taskManagers(TASK_MANAGERS)
            .flinkConfiguration(METRICS.addToConfiguration(new Configuration()))
            .build();

    /** Checkpoints often and restarts at once, as a production job would with short intervals. */
    private static final Map<String, String> RECOVERABLE = Map.of(
            "execution.checkpointing.interval", "1 s",
            "restart-strategy.type", "fixed-delay",
            "restart-strategy.fixed-delay.attempts", "100",
            "restart-strategy.fixed-delay.delay", "500 ms");

    /** Frames a run sends at least, so that the books are kept on a few thousand. */
    private static final long BOOKS_FRAMES = 3_000;

    private final ExecutorService load = Executors.newSingleThreadExecutor();

    private JobConfig config;
    private JobUnderTest job;

    @BeforeEach
    void configure() {
        config = CLUSTER.config();
    }

    @AfterEach
    void stopLoad() {
        load.shutdownNow();
    }

    /** 10 users at 30 fps with a budget a loaded test machine can keep, logging what they send. */
    private SyntheticRun users(Duration duration, Path sentLog) {
        return new SyntheticRun(SyntheticConfig.builder()
                .users(10)
                .fps(30)
                .duration(duration)
                .deadlineMs(500)
                .bootstrapServers(CLUSTER.bootstrapServers())
                .framesTopic(config.framesTopic)
                .coordinatesTopicPattern(config.coordinatesTopicPattern)
                .droppedTopic(config.droppedTopic)
                .drainTimeout(Duration.ofSeconds(60))
                .sentLog(sentLog)
                .seed(7)
                .build());
    }

    private CompletableFuture<RunSummary> inBackground(SyntheticRun run) {
        return CompletableFuture.supplyAsync(run::run, load);
    }

    private AccountingReport books(Path sentLog) {
        FrameLedger ledger = new FrameLedger();
        SentLog.readInto(sentLog, ledger);
        new AnswerReader(CLUSTER.bootstrapServers(), config.coordinatesTopicPattern, config.droppedTopic,
                Map.of(), Duration.ofSeconds(30)).readInto(ledger, Duration.ofSeconds(10));
        return ledger.report();
    }

    private long jobGauge(String name) {
        return METRICS.findMetrics(job.client().getJobID(), ".*\\." + name).values().stream()
                .filter(Gauge.class::isInstance)
                .mapToLong(m -> ((Number) ((Gauge<?>) m).getValue()).longValue())
                .max().orElse(-1);
    }

    @Test
    void ridesOutABrokerRestartOnTheSameDataAndAccountsForEveryFrame(@TempDir Path dir) throws Exception {
        job = CLUSTER.startJob(config, DriftlessJob.poseInference(config), RECOVERABLE);
        job.awaitServing();
        Path sentLog = dir.resolve("sent.log");
        RunSummary summary;
        ServiceGap gap;
        try (SyntheticRun run = users(Duration.ofSeconds(20), sentLog)) {
            CompletableFuture<RunSummary> running = inBackground(run);
            gap = new ServiceGap(() -> run.progress().responses());
            gap.watchUntilGrownBy(300, 60_000);

            CLUSTER.kafka().stop();
            gap.watchFor(3_000);
            CLUSTER.kafka().start();

            gap.watchUntilGrownBy(300, 120_000);
            summary = running.get(3, TimeUnit.MINUTES);
        }
        AccountingReport books = books(sentLog);
        System.out.printf("broker restart: longest service gap %d ms%n%s%n%s", gap.longestMillis(),
                summary.toTable(), books.toTable(5));

        SessionAccount total = books.total();
        assertThat(total.sent()).isEqualTo(summary.sent()).isGreaterThan(BOOKS_FRAMES);
        assertThat(total.unaccounted()).as("frames with no answer").isZero();
        assertThat(total.answered()).as("answered after the restart too").isGreaterThan(total.sent() / 2);
        assertThat(total.dropped(DropReason.INVALID)).isZero();
        assertThat(gap.longestMillis()).as("the outage showed as a gap").isGreaterThanOrEqualTo(3_000);
        assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
    }

    @Test
    void restoresFromItsLastCheckpointWhenItsTaskManagersDieAndAccountsForEveryFrame(
            @InjectMiniCluster MiniCluster cluster, @TempDir Path dir) throws Exception {
        job = CLUSTER.startJob(config, DriftlessJob.poseInference(config), RECOVERABLE);
        job.awaitServing();
        Path sentLog = dir.resolve("sent.log");
        RunSummary summary;
        ServiceGap gap;
        try (SyntheticRun run = users(Duration.ofSeconds(20), sentLog)) {
            CompletableFuture<RunSummary> running = inBackground(run);
            gap = new ServiceGap(() -> run.progress().responses());
            gap.watchUntilGrownBy(300, 60_000);
            // the gap keeps being sampled while the checkpoints are awaited
            await("two completed checkpoints").atMost(Duration.ofSeconds(60)).pollInSameThread()
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        if (jobGauge("numberOfCompletedCheckpoints") >= 2) {
                            return true;
                        }
                        gap.watchFor(100);
                        return false;
                    });

            // a fresh TaskManager first, so the job has slots to restart in; then every one
            // that may run a task of the job dies
            cluster.startTaskManager();
            for (int index = 0; index < TASK_MANAGERS; index++) {
                cluster.terminateTaskManager(index).get(30, TimeUnit.SECONDS);
            }

            gap.watchUntilGrownBy(300, 120_000);
            // restored and serving again: the run goes on only until the books hold the frames
            // they are checked on, rather than for all of its 20 s
            await("more than " + BOOKS_FRAMES + " frames sent").atMost(Duration.ofSeconds(60)).pollInSameThread()
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        if (run.progress().sent() > BOOKS_FRAMES) {
                            return true;
                        }
                        gap.watchFor(100);
                        return false;
                    });
            run.stop();
            summary = running.get(3, TimeUnit.MINUTES);
        }
        AccountingReport books = books(sentLog);
        System.out.printf("task manager loss: longest service gap %d ms, restarts %d%n%s%n%s",
                gap.longestMillis(), jobGauge("numRestarts"), summary.toTable(), books.toTable(5));

        SessionAccount total = books.total();
        assertThat(jobGauge("numRestarts")).as("restarts").isGreaterThanOrEqualTo(1);
        assertThat(jobGauge("lastCheckpointRestoreTimestamp")).as("restored from a checkpoint").isPositive();
        assertThat(total.sent()).isEqualTo(summary.sent()).isGreaterThan(BOOKS_FRAMES);
        assertThat(total.unaccounted()).as("frames with no answer").isZero();
        assertThat(total.duplicated()).as("frames replayed from the checkpoint, answered again").isPositive();
        assertThat(total.dropped(DropReason.INVALID)).isZero();
        assertThat(total.dropped(DropReason.STALE))
                .as("a restored render gate still knows what it rendered: replays are not rendered twice")
                .isLessThanOrEqualTo(total.duplicated());
        assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
    }

    @Test
    void dropsFramesAsInferenceFailedWhileTheModelIsBrokenAndRecoversByItself(@TempDir Path dir) throws Exception {
        FailingInference model = new FailingInference(DriftlessJob.poseInference(config));
        job = CLUSTER.startJob(config, model, RECOVERABLE);
        job.awaitServing();
        Path sentLog = dir.resolve("sent.log");
        RunSummary summary;
        try (SyntheticRun run = users(Duration.ofSeconds(10), sentLog)) {
            CompletableFuture<RunSummary> running = inBackground(run);
            ServiceGap gap = new ServiceGap(() -> run.progress().responses());
            gap.watchUntilGrownBy(300, 60_000);

            model.failing(true);
            gap.watchFor(2_000);
            model.failing(false);

            gap.watchUntilGrownBy(300, 60_000);
            summary = running.get(3, TimeUnit.MINUTES);
        }
        AccountingReport books = books(sentLog);
        System.out.printf("broken model:%n%s%n%s", summary.toTable(), books.toTable(5));

        SessionAccount total = books.total();
        assertThat(total.unaccounted()).as("frames with no answer").isZero();
        assertThat(total.dropped(DropReason.INFERENCE_FAILED)).as("two seconds of a broken model")
                .isGreaterThan(300);
        assertThat(total.answered()).isGreaterThan(total.sent() / 2);
        assertThat(jobGauge("numRestarts")).as("the job itself never failed").isZero();
        assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
    }
}
