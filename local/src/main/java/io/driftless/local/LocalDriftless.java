package io.driftless.local;

import io.driftless.local.LocalRun.Measurement;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The whole system on one machine: a real Kafka broker, the job on a local Flink cluster with
 * its web UI and Prometheus endpoint, and synthetic users streaming through both.
 */
@Command(
        name = "driftless-local",
        mixinStandardHelpOptions = true,
        version = "driftless 0.1.0",
        description = "Runs driftless locally: embedded Kafka, the job on a local Flink (web UI and"
                + " Prometheus endpoint), and synthetic users; prints live status and a summary."
                + " With --inference remote the model runs in an inference server the job calls over gRPC."
                + " A memory soak is bin/driftless-bench soak.")
public final class LocalDriftless implements Callable<Integer> {

    @Mixin
    LocalRun run;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalDriftless()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        try {
            run.check();
        } catch (IllegalArgumentException e) {
            System.err.println("driftless-local: " + e.getMessage() + ". Run with --help for the options.");
            return 2;
        }
        return run.run(System.out, run.users(), Measurement.NONE);
    }
}
