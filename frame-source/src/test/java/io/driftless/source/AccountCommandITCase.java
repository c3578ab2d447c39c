package io.driftless.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftless.proto.DropReason;
import io.driftless.source.testutils.EchoResponder;
import io.driftless.source.testutils.EchoResponder.Rules;
import io.driftless.source.testutils.TestBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code frame-source account} against a real broker, the echo responder standing in for the job. */
class AccountCommandITCase {

    @RegisterExtension
    static final TestBroker KAFKA = new TestBroker("account", 2);

    private static final LongPredicate EVERY_TENTH = seq -> seq % 10 == 0;
    private static final LongPredicate FIFTH_NOT_TENTH = seq -> seq % 5 == 0 && seq % 10 != 0;
    private static final LongPredicate NEVER = seq -> false;

    private String frames;
    private String coordinates;
    private String dropped;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void freshTopics() {
        frames = KAFKA.topics().frames();
        coordinates = KAFKA.topics().coordinates();
        dropped = KAFKA.topics().dropped();
        out.reset();
        err.reset();
    }

    /** 4 users x 10 fps x 2 s, answered by the responder's rules, logged to {@code sentLog}. */
    private RunSummary run(Path sentLog, String coordinatesPattern, Rules rules) {
        SyntheticConfig config = SyntheticConfig.builder()
                .bootstrapServers(KAFKA.bootstrapServers())
                .framesTopic(frames)
                .coordinatesTopicPattern(coordinatesPattern)
                .droppedTopic(dropped)
                .users(4)
                .fps(10)
                .duration(Duration.ofSeconds(2))
                .seed(11)
                .drainTimeout(Duration.ofSeconds(30))
                .sentLog(sentLog)
                .build();
        EchoResponder responder = EchoResponder.start(config, rules);
        try (SyntheticRun run = new SyntheticRun(config)) {
            return run.run();
        } finally {
            responder.close();
        }
    }

    private int account(String coordinatesPattern, String... more) {
        List<String> args = new ArrayList<>(List.of("account", "--bootstrap-servers",
                KAFKA.bootstrapServers(), "--coordinates-topic-pattern", coordinatesPattern,
                "--dropped-topic", dropped, "--settle-timeout", "1s"));
        args.addAll(List.of(more));
        return FrameSourceCli.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args.toArray(String[]::new));
    }

    private static long count(long framesPerUser, int users, LongPredicate rule) {
        long n = 0;
        for (long seq = 1; seq <= framesPerUser; seq++) {
            n += rule.test(seq) ? users : 0;
        }
        return n;
    }

    @Test
    void accountsForEveryFrameSentWithItsDropsAndDuplicates(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("sent.log");
        Path json = dir.resolve("account.json");
        RunSummary summary = run(log, coordinates,
                new Rules(EVERY_TENTH, DropReason.OVERLOADED, FIFTH_NOT_TENTH, NEVER, 0));

        int code = account(coordinates, "--sent-log", log.toString(), "--report-json", json.toString());

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("every frame is accounted for");
        JsonNode total = new ObjectMapper().readTree(Files.readString(json)).get("total");
        assertThat(total.get("sent").asLong()).isEqualTo(summary.sent()).isEqualTo(80);
        assertThat(total.get("dropped").get("OVERLOADED").asLong()).isEqualTo(count(20, 4, EVERY_TENTH));
        assertThat(total.get("answered").asLong()).isEqualTo(80 - count(20, 4, EVERY_TENTH));
        assertThat(total.get("duplicated").asLong()).isEqualTo(count(20, 4, FIFTH_NOT_TENTH));
        assertThat(total.get("unaccounted").asLong()).isZero();
        JsonNode sessions = new ObjectMapper().readTree(Files.readString(json)).get("sessions");
        assertThat(sessions).hasSize(4);
        assertThat(sessions.get(0).get("session").asText()).isEqualTo(summary.runId() + "-u0000");
        assertThat(sessions.get(0).get("sent").asLong()).isEqualTo(20);
    }

    @Test
    void readsATopicPerSession(@TempDir Path dir) {
        Path log = dir.resolve("sent.log");
        String pattern = coordinates + ".{session}";
        run(log, pattern, new Rules(EVERY_TENTH, DropReason.STALE, NEVER, NEVER, 0));

        int code = account(pattern, "--sent-log", log.toString());

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("dropped by reason: STALE=8", "every frame is accounted for");
    }

    @Test
    void reportsFramesThatNeverGotAnAnswerAndExitsWithThree(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("sent.log");
        RunSummary summary = run(log, coordinates, new Rules(NEVER, DropReason.STALE, NEVER, NEVER, 0));
        // two frames the client believes it sent, which never reached the job
        String lost = summary.runId() + "-u0002";
        Files.writeString(log, lost + "\t21\n" + lost + "\t22\n", StandardOpenOption.APPEND);

        int code = account(coordinates, "--sent-log", log.toString(), "--sessions", "1");

        assertThat(code).isEqualTo(3);
        String table = out.toString(StandardCharsets.UTF_8);
        assertThat(table).contains("2 frames have no answer", "3 more sessions");
        assertThat(table.lines().skip(2).findFirst().orElseThrow()).startsWith(lost).endsWith(" 2");
    }

    @Test
    void failsClearlyWithoutASentLog(@TempDir Path dir) {
        int code = account(coordinates, "--sent-log", dir.resolve("missing.log").toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot read the sent log",
                "frame-source synthetic --sent-log FILE");
    }

    @Test
    void failsClearlyWhenTheDroppedTopicIsMissing(@TempDir Path dir) throws Exception {
        Path log = Files.writeString(dir.resolve("sent.log"), "s\t1\n");

        int code = FrameSourceCli.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "account", "--bootstrap-servers",
                KAFKA.bootstrapServers(), "--sent-log", log.toString(), "--coordinates-topic-pattern",
                coordinates, "--dropped-topic", "account.no-such-topic");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("topic 'account.no-such-topic' does not exist on " + KAFKA.bootstrapServers());
    }
}
