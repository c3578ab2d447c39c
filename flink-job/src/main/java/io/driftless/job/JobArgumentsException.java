package io.driftless.job;

/**
 * The job's arguments or its topics are unusable: the message says what is wrong and what to set.
 *
 * <p>Thrown out of {@link DriftlessJob#main} instead of exiting: that main may run in the
 * JobManager's JVM (REST, web UI, application mode), which must outlive a bad submission. Flink's
 * CLI prints the message and REST returns it to the caller.
 */
public final class JobArgumentsException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    static final String HINT = "Run with --help for the options.";

    JobArgumentsException(String message, Throwable cause) {
        super(message, cause);
    }

    /** What a user reads on the command line: the problem, then where the options are listed. */
    static JobArgumentsException of(IllegalArgumentException problem) {
        return new JobArgumentsException("driftless: " + problem.getMessage() + "\n" + HINT, problem);
    }
}
