package io.driftless.deploy;

import io.driftless.job.CommandLine;
import io.driftless.job.DriftlessOptions;
import io.driftless.job.JobConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Judges the arguments a deployment passes to the driftless job with the job's own parser and
 * validation, so a deployment cannot pass an option the job does not have, or a value it
 * rejects; Flink settings passed through must be keys Flink knows.
 */
final class JobArguments {

    private JobArguments() {}

    /** What is wrong with these job arguments; empty when the job would start with them. */
    static List<String> problems(List<String> args, FlinkSettings flink) {
        List<String> problems = new ArrayList<>();
        CommandLine cli;
        try {
            cli = CommandLine.parse(args.toArray(String[]::new));
            JobConfig.from(cli.settings(), cli.kafkaProperties());
        } catch (IllegalArgumentException e) {
            problems.add("the job rejects " + args + ": " + e.getMessage());
            return problems;
        }
        List<String> passedThrough = new ArrayList<>();
        for (String key : cli.settings().keySet()) {
            if (!key.startsWith(DriftlessOptions.PREFIX)) {
                passedThrough.add(key);
            }
        }
        for (String key : flink.unknown(passedThrough)) {
            problems.add("--" + key + " is passed to Flink, but Flink has no such option");
        }
        return problems;
    }

    /** The value given for {@code --name} (or {@code --driftless.name}), or null. */
    static String value(List<String> args, String name) {
        for (int i = 0; i < args.size() - 1; i++) {
            String arg = args.get(i);
            if (arg.equals("--" + name) || arg.equals("--" + DriftlessOptions.PREFIX + name)) {
                return args.get(i + 1);
            }
        }
        return null;
    }
}
