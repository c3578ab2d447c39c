package io.driftless.source;

import io.driftless.cli.DurationConverter;
import io.driftless.source.accounting.AccountingReport;
import io.driftless.source.accounting.AnswerReader;
import io.driftless.source.accounting.FrameLedger;
import io.driftless.source.accounting.SentLog;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code frame-source account}: checks that every frame a client sent was answered. */
@Command(
        name = "account",
        mixinStandardHelpOptions = true,
        versionProvider = FrameSourceCli.Version.class,
        sortOptions = false,
        description = {
            "Reads a client's sent log and the job's answer topics from their beginning, and"
                    + " reports per session: frames answered, dropped by reason, answered more than"
                    + " once (redelivery after a restart), and unaccounted (no answer at all).",
            "Exit code 0 when every frame is accounted for, 3 when some are not."
        })
final class AccountCommand implements Callable<Integer> {

    /** The exit code when frames are unaccounted for. */
    static final int UNACCOUNTED = 3;

    @ParentCommand
    private FrameSourceCli parent;

    @Option(names = "--sent-log", paramLabel = "FILE", required = true,
            description = "The client's log of what it sent (session<TAB>sequence per line), e.g."
                    + " from 'frame-source synthetic --sent-log'.")
    private Path sentLog;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            defaultValue = "localhost:9092",
            description = "Kafka brokers (default: ${DEFAULT-VALUE}).")
    private String bootstrapServers;

    @Option(names = "--coordinates-topic-pattern", paramLabel = "PATTERN",
            defaultValue = KafkaLink.DEFAULT_COORDINATES_TOPIC_PATTERN,
            description = "Where the job writes coordinates; with " + KafkaLink.SESSION_PLACEHOLDER
                    + " one topic per session (default: ${DEFAULT-VALUE}).")
    private String coordinatesTopicPattern;

    @Option(names = "--dropped-topic", paramLabel = "TOPIC",
            defaultValue = KafkaLink.DEFAULT_DROPPED_TOPIC,
            description = "Where the job writes dropped frames (default: ${DEFAULT-VALUE}).")
    private String droppedTopic;

    @Option(names = "--settle-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "10s",
            description = "After reading the topics to their ends, how long to wait for answers"
                    + " still on their way (default: ${DEFAULT-VALUE}).")
    private Duration settleTimeout;

    @Option(names = "--connect-timeout", paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = KafkaLink.DEFAULT_CONNECT_TIMEOUT_MS / 1000 + "s",
            description = "How long to wait for the brokers before giving up"
                    + " (default: ${DEFAULT-VALUE}).")
    private Duration connectTimeout;

    @Option(names = "--sessions", paramLabel = "N", defaultValue = "20",
            description = "Sessions listed in the table, those with unaccounted frames first"
                    + " (default: ${DEFAULT-VALUE}).")
    private int sessions;

    @Option(names = "--report-json", paramLabel = "FILE",
            description = "Also write the full report, every session, as JSON to this file.")
    private Path reportJson;

    @Option(names = "--kafka", paramLabel = "KEY=VALUE",
            description = "Extra consumer property, e.g. security.protocol=SSL; repeatable.")
    private Map<String, String> kafka = new LinkedHashMap<>();

    @Override
    public Integer call() throws IOException {
        if (!Files.isReadable(sentLog)) {
            throw new FrameSourceException("cannot read the sent log " + sentLog
                    + ": write one with 'frame-source synthetic --sent-log FILE'");
        }
        FrameLedger ledger = new FrameLedger();
        SentLog.readInto(sentLog, ledger);
        AnswerReader answers = new AnswerReader(bootstrapServers, coordinatesTopicPattern,
                droppedTopic, kafka, connectTimeout);
        answers.readInto(ledger, settleTimeout);
        AccountingReport report = ledger.report();
        PrintStream out = parent.out();
        out.print(report.toTable(sessions));
        if (answers.malformed() > 0) {
            out.println(answers.malformed() + " answers were not valid Protobuf and were skipped");
        }
        if (reportJson != null) {
            Files.writeString(reportJson, report.toJson() + System.lineSeparator(), StandardCharsets.UTF_8);
            out.println("report written to " + reportJson);
        }
        out.flush();
        return report.balanced() ? 0 : UNACCOUNTED;
    }
}
