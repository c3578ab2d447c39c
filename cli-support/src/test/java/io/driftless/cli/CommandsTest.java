package io.driftless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

class CommandsTest {

    @Command(name = "sample", mixinStandardHelpOptions = true)
    static final class Sample {
        @Option(names = "--count", defaultValue = "1")
        int count;

        void validate(CommandLine commandLine) {
            if (count < 1) {
                throw new ParameterException(commandLine, "--count must be at least 1, got " + count);
            }
        }
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private OptionalInt parse(String... args) {
        Sample sample = new Sample();
        return Commands.parse(new CommandLine(sample), args, sample::validate,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void goesOnWhenTheArgumentsAreGood() {
        assertThat(parse("--count", "3")).isEmpty();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void printsTheUsageAndEndsWithZeroOnHelp() {
        assertThat(parse("--help")).hasValue(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: sample", "--count");
    }

    @Test
    void aBadValueIsAUsageErrorWithAHint() {
        assertThat(parse("--count", "x")).hasValue(CommandLine.ExitCode.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("error: Invalid value for option '--count'")
                .contains("Run with --help for usage.");
    }

    @Test
    void aFailedValidationIsAUsageErrorThatNamesTheOption() {
        assertThat(parse("--count", "0")).hasValue(CommandLine.ExitCode.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("error: --count must be at least 1, got 0" + System.lineSeparator()
                        + "Run with --help for usage." + System.lineSeparator());
    }
}
