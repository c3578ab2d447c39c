package io.driftless.source;

import io.driftless.cli.Commands;
import io.driftless.source.internal.Failures;
import io.driftless.source.video.SourceUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code frame-source} command line: the camera client that publishes frames, reads the
 * job's answers and reports round trips. Exit codes: 0 done, 1 Kafka or run failure, 2 bad
 * arguments, 3 frames unaccounted for ({@code account}), 4 the video source cannot be opened or
 * read ({@code video}, {@code webcam}, {@code rtsp}).
 */
@Command(
        name = "frame-source",
        mixinStandardHelpOptions = true,
        versionProvider = FrameSourceCli.Version.class,
        description = "The driftless camera client: publishes frames to Kafka, reads the job's"
                + " answers, and reports round-trip latency, on-time ratio and drops by reason.",
        subcommands = {SyntheticCommand.class, VideoCommand.class, WebcamCommand.class,
            RtspCommand.class, AccountCommand.class})
public final class FrameSourceCli {

    /** The video source cannot be opened or read. */
    static final int EXIT_SOURCE_UNAVAILABLE = 4;

    /** Kafka's clients log every connection retry; the command reports failures itself. */
    private static final String LOG_CONFIG = "frame-source-log4j2.xml";

    private final PrintStream out;

    FrameSourceCli(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        Commands.useLogConfigUnlessSet(LOG_CONFIG);
        System.exit(execute(System.out, System.err, args));
    }

    /** Runs the command line with the given streams and returns its exit code. */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        CommandLine cli = new CommandLine(new FrameSourceCli(out))
                .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
                .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
                .setParameterExceptionHandler((e, badArgs) -> {
                    CommandLine commandLine = e.getCommandLine();
                    PrintWriter errors = commandLine.getErr();
                    if (badArgs.length == 0) {
                        commandLine.usage(errors);
                        return commandLine.getCommandSpec().exitCodeOnInvalidInput();
                    }
                    errors.println("error: " + e.getMessage());
                    UnmatchedArgumentException.printSuggestions(e, errors);
                    errors.println("Try '" + commandLine.getCommandSpec().qualifiedName()
                            + " --help' for more information.");
                    return commandLine.getCommandSpec().exitCodeOnInvalidInput();
                })
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    if (e instanceof SourceUnavailableException) {
                        commandLine.getErr().println("error: " + e.getMessage());
                        return EXIT_SOURCE_UNAVAILABLE;
                    }
                    if (!(e instanceof FrameSourceException)) {
                        e.printStackTrace(commandLine.getErr());
                    }
                    commandLine.getErr().println("error: " + Failures.describe(e));
                    return CommandLine.ExitCode.SOFTWARE;
                });
        return cli.execute(args);
    }

    /** Where subcommands print status lines and summaries. */
    PrintStream out() {
        return out;
    }

    /** The version the build stamped into the jar. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties properties = new Properties();
            try (InputStream in = FrameSourceCli.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new String[] {
                "frame-source " + properties.getProperty("version", "unknown"),
                "Java " + System.getProperty("java.version")
            };
        }
    }
}
