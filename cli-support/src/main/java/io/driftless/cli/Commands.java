package io.driftless.cli;

import java.io.PrintStream;
import java.util.OptionalInt;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The prologue every driftless {@code main} shares. A command that parses by hand:
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     Commands.exitOnFailure(run(args, System.out, System.err));
 * }
 *
 * static int run(String[] args, PrintStream out, PrintStream err) {
 *     Options options = new Options();
 *     OptionalInt early = Commands.parse(new CommandLine(options), args, options::validate, out, err);
 *     if (early.isPresent()) {
 *         return early.getAsInt();
 *     }
 *     ... // the work; returns 0 or an error code
 * }
 * }</pre>
 */
public final class Commands {

    private Commands() {}

    /** Checks the parsed options together; throws {@link ParameterException} naming the option at fault. */
    @FunctionalInterface
    public interface Validation {
        void validate(CommandLine commandLine);
    }

    /**
     * Parses {@code args} into the command of {@code commandLine} and validates them. Returns the
     * exit code when the run ends here: {@code 0} after printing the usage on {@code --help}, or
     * {@link CommandLine.ExitCode#USAGE} after printing the error and a hint on {@code err}; empty
     * when the command goes on to its work.
     */
    public static OptionalInt parse(CommandLine commandLine, String[] args, Validation validation,
            PrintStream out, PrintStream err) {
        try {
            commandLine.parseArgs(args);
            validation.validate(commandLine);
        } catch (ParameterException e) {
            err.println("error: " + e.getMessage());
            err.println("Run with --help for usage.");
            return OptionalInt.of(CommandLine.ExitCode.USAGE);
        }
        if (commandLine.isUsageHelpRequested()) {
            commandLine.usage(out);
            return OptionalInt.of(CommandLine.ExitCode.OK);
        }
        return OptionalInt.empty();
    }

    /**
     * Ends the JVM with {@code code} unless it is {@code 0}: a successful run ends when its last
     * thread does, a failed one must say so to the shell.
     */
    public static void exitOnFailure(int code) {
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Points Log4j 2 at the command's own configuration on the classpath, unless the user chose
     * one with {@code -Dlog4j2.configurationFile}. Call it first in {@code main}, before any
     * logger is created.
     */
    public static void useLogConfigUnlessSet(String resource) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", resource);
        }
    }
}
