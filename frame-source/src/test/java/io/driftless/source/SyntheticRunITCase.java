package io.driftless.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftless.proto.DropReason;
import io.driftless.proto.Frame;
import io.driftless.source.RunSummary.PoseSample;
import io.driftless.source.accounting.AnswerReader;
import io.driftless.source.accounting.FrameLedger;
import io.driftless.source.accounting.SentLog;
import io.driftless.source.testutils.CameraResponder;
import io.driftless.source.testutils.EchoResponder;
import io.driftless.source.testutils.EchoResponder.Rules;
import io.driftless.source.testutils.TestBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The client against a real broker, with a test responder standing in for the job. */
class SyntheticRunITCase {

    @RegisterExtension
    static final TestBroker KAFKA = new TestBroker("it", 2);

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final LongPredicate EVERY_TENTH = seq -> seq % 10 == 0;
    private static final LongPredicate FIFTH_NOT_TENTH = seq -> seq % 5 == 0 && seq % 10 != 0;
    private static final LongPredicate SEVENTH_NOT_TENTH = seq -> seq % 7 == 0 && seq % 10 != 0;
    private static final LongPredicate NEVER = seq -> false;
    private static final double YAW_BIAS_DEG = 1.0;

    private String frames;
    private String coordinates;
    private String dropped;

    @BeforeEach
    void freshTopics() {
        frames = KAFKA.topics().frames();
        coordinates = KAFKA.topics().coordinates();
        dropped = KAFKA.topics().dropped();
    }

    private SyntheticConfig.Builder config() {
        return SyntheticConfig.builder()
                .bootstrapServers(KAFKA.bootstrapServers())
                .framesTopic(frames)
                .coordinatesTopicPattern(coordinates)
                .droppedTopic(dropped)
                .users(20)
                .fps(30)
                .seed(5)
                .drainTimeout(WAIT);
    }

    /** Runs with the echo responder standing in for the job. */
    private static RunSummary runAnswered(SyntheticConfig config, Rules rules) {
        EchoResponder responder = EchoResponder.start(config, rules);
        try (SyntheticRun run = new SyntheticRun(config)) {
            return run.run();
        } finally {
            responder.close();
        }
    }

    private static long count(long framesPerUser, int users, LongPredicate rule) {
        long n = 0;
        for (long seq = 1; seq <= framesPerUser; seq++) {
            n += rule.test(seq) ? users : 0;
        }
        return n;
    }

    @Test
    void accountsForEveryFrameAnsweredByTheJob() throws Exception {
        // 63 frames per user: the last frame of each user is a response, sent after every
        // duplicate of that user on the same partition, so all duplicates arrive before the end.
        SyntheticConfig config = config().duration(Duration.ofMillis(2100)).recordPoses(true).build();

        RunSummary summary = runAnswered(config, new Rules(EVERY_TENTH, DropReason.OVERLOADED,
                FIFTH_NOT_TENTH, SEVENTH_NOT_TENTH, YAW_BIAS_DEG));

        assertThat(summary.sent()).isEqualTo(20 * 63);
        assertThat(summary.unanswered()).isZero();
        assertThat(summary.responses() + summary.droppedTotal()).isEqualTo(summary.sent());
        assertThat(summary.dropped(DropReason.OVERLOADED)).isEqualTo(count(63, 20, EVERY_TENTH));
        assertThat(summary.droppedTotal()).isEqualTo(summary.dropped(DropReason.OVERLOADED));
        assertThat(summary.duplicates()).isEqualTo(count(63, 20, FIFTH_NOT_TENTH));
        assertThat(summary.lateResponses()).isEqualTo(count(63, 20, SEVENTH_NOT_TENTH));
        assertThat(summary.poseMaeDeg().yaw()).isCloseTo(YAW_BIAS_DEG, within(1e-3));
        assertThat(summary.poseMaeDeg().pitch()).isCloseTo(0, within(1e-3));
        assertThat(summary.poseMaeDeg().roll()).isCloseTo(0, within(1e-3));
        assertThat(summary.poseErrorDeg().mean()).isCloseTo(YAW_BIAS_DEG, within(1e-2));
        assertThat(summary.rttMs().p50()).isPositive();

        List<PoseSample> user7 = summary.posesOf(summary.runId() + "-u0007");
        assertThat(user7).hasSize(63 - 6);
        assertThat(user7).allSatisfy(s -> assertThat(s.returned().yawDeg() - s.truth().yawDeg())
                .isCloseTo(YAW_BIAS_DEG, within(1e-3)));
    }

    @Test
    void measuresDriftOnEveryFrameShownFromTheAnswersInByThen() {
        // How much drift there is depends on how fast the broker answers here, which no test
        // controls; DriftMeterTest checks the figures against known motion. This checks that a
        // run feeds the meter every frame shown and every answer read.
        SyntheticConfig config = config().duration(Duration.ofMillis(2100))
                .motion(MotionProfile.FAST).build();

        RunSummary summary = runAnswered(config, new Rules(NEVER, DropReason.OVERLOADED, NEVER,
                NEVER, 0));

        assertThat(summary.responses()).isEqualTo(summary.sent());
        RunSummary.Drift drift = summary.drift();
        assertThat(drift.frames() + drift.framesWithoutOverlay()).isEqualTo(summary.sent());
        assertThat(drift.frames()).as("frames shown once an answer was in").isPositive();
        assertThat(drift.uncompensated().mean()).as("a frame shown at its capture has no answer"
                + " to itself yet, and the face has moved").isGreaterThan(0.1);
        assertThat(drift.compensated().p99()).isFinite();
    }

    @Test
    void readsAnswersFromOneTopicPerSession() throws Exception {
        SyntheticConfig config = config()
                .coordinatesTopicPattern(coordinates + ".{session}")
                .users(3)
                .fps(10)
                .duration(Duration.ofSeconds(1))
                .build();

        RunSummary summary = runAnswered(config,
                new Rules(EVERY_TENTH, DropReason.STALE, NEVER, NEVER, 0));

        assertThat(summary.sent()).isEqualTo(30);
        assertThat(summary.unanswered()).isZero();
        assertThat(summary.responses()).isEqualTo(27);
        assertThat(summary.dropped(DropReason.STALE)).isEqualTo(3);
        assertThat(summary.duplicates()).isZero();
    }

    @Test
    void sendsEveryUsersJpegFramesAndAccountsForThemByTheAnnotatedFrames(@TempDir Path dir)
            throws Exception {
        String annotated = KAFKA.topics().annotated();
        Path sentLog = dir.resolve("sent.log");
        SyntheticConfig config = config().sendMode(SendMode.JPEG).annotatedTopicPattern(annotated)
                .users(3).fps(10).duration(Duration.ofSeconds(1)).sentLog(sentLog).build();
        RunSummary summary;
        List<Frame> received;
        try (CameraResponder responder = new CameraResponder(KAFKA.bootstrapServers(), frames,
                coordinates, annotated, dropped, seq -> seq % 5 != 0)) {
            try (SyntheticRun run = new SyntheticRun(config)) {
                summary = run.run();
            }
            received = responder.frames();
        }

        assertThat(summary.sent()).isEqualTo(30);
        assertThat(summary.unanswered()).isZero();
        // an annotated frame answers an image; the coordinates beside it are not a second answer
        assertThat(summary.responses()).isEqualTo(24);
        assertThat(summary.duplicates()).isZero();
        assertThat(summary.dropped(DropReason.LATE_ON_ARRIVAL)).isEqualTo(6);
        assertThat(received).hasSize(30).allSatisfy(frame -> {
            assertThat(frame.hasImage()).isTrue();
            assertThat(frame.getImage().getWidth()).isEqualTo(640);
            assertThat(frame.getImage().getJpeg().size()).isGreaterThan(10_000);
        });
        assertThat(received.stream().map(Frame::getSessionId).distinct()).hasSize(3);
        assertThat(received.stream().map(f -> f.getImage().getJpeg()).distinct()).hasSize(3 * 4);

        FrameLedger ledger = new FrameLedger();
        SentLog.readInto(sentLog, ledger);
        new AnswerReader(KAFKA.bootstrapServers(), coordinates, annotated, dropped, Map.of(), WAIT)
                .readInto(ledger, Duration.ofSeconds(1));
        assertThat(ledger.report().total().unaccounted()).isZero();
    }

    @Test
    void stopsAnOpenEndedRunAndStillAccountsForEveryFrame() throws Exception {
        SyntheticConfig config = config().users(5).build();
        RunSummary summary;
        try (SyntheticRun run = new SyntheticRun(config);
                EchoResponder responder = EchoResponder.start(config,
                        new Rules(NEVER, DropReason.STALE, NEVER, NEVER, 0))) {
            CompletableFuture<RunSummary> running = CompletableFuture.supplyAsync(run::run);
            responder.whenAnswered(50).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            run.stop();
            summary = running.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        assertThat(summary.sent()).isGreaterThanOrEqualTo(50);
        assertThat(summary.responses()).isEqualTo(summary.sent());
        assertThat(summary.unanswered()).isZero();
        assertThat(summary.durationS()).isPositive();
    }

    @Test
    void failsClearlyWhenATopicIsMissing() {
        SyntheticConfig config = config().droppedTopic("it.no-such-topic")
                .duration(Duration.ofSeconds(1)).build();

        try (SyntheticRun run = new SyntheticRun(config)) {
            assertThatThrownBy(run::run)
                    .isInstanceOf(FrameSourceException.class)
                    .hasMessage("topic 'it.no-such-topic' does not exist on "
                            + KAFKA.bootstrapServers() + ": start the job (it creates its topics)"
                            + " or create the topic");
        }
    }

    @Test
    void runsFromTheCommandLineAndWritesTheSummaryJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("summary.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SyntheticConfig responderView = config().users(4).fps(10).build();
        int code;
        EchoResponder responder = EchoResponder.start(responderView,
                new Rules(EVERY_TENTH, DropReason.DEADLINE_EXCEEDED, NEVER, NEVER, 0));
        try {
            code = FrameSourceCli.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                    System.err, "synthetic", "--bootstrap-servers", KAFKA.bootstrapServers(),
                    "--frames-topic", frames, "--coordinates-topic-pattern", coordinates,
                    "--dropped-topic", dropped, "--users", "4", "--fps", "10", "--seed", "5",
                    "--duration", "1s", "--drain-timeout", "30s", "--status-interval", "100ms",
                    "--summary-json", json.toString());
        } finally {
            responder.close();
        }

        assertThat(code).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("] sent ", "frames sent", "summary written to " + json);
        JsonNode summary = new ObjectMapper().readTree(Files.readString(json));
        assertThat(summary.get("sent").asLong()).isEqualTo(40);
        assertThat(summary.get("responses").asLong()).isEqualTo(36);
        assertThat(summary.get("dropped").get("DEADLINE_EXCEEDED").asLong()).isEqualTo(4);
        assertThat(summary.get("unanswered").asLong()).isZero();
    }
}
