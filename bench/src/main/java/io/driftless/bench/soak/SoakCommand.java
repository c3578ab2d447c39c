package io.driftless.bench.soak;

import io.driftless.cli.DurationConverter;
import io.driftless.local.LocalRun;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code driftless-bench soak}: the local run of {@code driftless-local}, usually long and at a
 * share of the capacity the benchmark measured, with the process's memory sampled over its
 * measured stretch and a report on whether it stayed flat.
 */
@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        version = "driftless-bench 0.1.0",
        description = {
            "Runs the local system as bin/driftless-local does (embedded Kafka, the job, synthetic users) and samples"
                    + " the process's memory over the run after its pre-roll and warm-up run: heap, direct buffers,"
                    + " threads, the resident set with ONNX Runtime's native memory, and a census of the live heap class by class."
                    + " Writes memory.csv, memory.json, memory.png, class-growth.txt and heap-census/ to"
                    + " --memory-report and says whether memory stayed flat after --warm-up.",
            "A soak test: bin/driftless-bench --scenarios capacity, then bin/driftless-bench soak --duration 65m"
                    + " --memory-report soak/ --load-from-capacity bench/target/report-quick/report.json"
        })
public final class SoakCommand implements Callable<Integer> {

    @Option(names = "--memory-report", paramLabel = "DIR", required = true,
            description = "Where to write memory.csv, memory.json, memory.png, class-growth.txt and the heap"
                    + " censuses.")
    Path memoryReport;

    @Option(names = "--load-from-capacity", paramLabel = "REPORT_JSON",
            description = "Instead of --users: offer a share (--capacity-share) of the capacity the benchmark"
                    + " measured on this machine, read from its report.json (bin/driftless-bench --scenarios"
                    + " capacity writes bench/target/report-quick/report.json): users = round(share x capacity"
                    + " frames/s / --fps). How a soak is sized.")
    Path loadFromCapacity;

    @Option(names = "--capacity-share", paramLabel = "SHARE", defaultValue = "0.7",
            description = "With --load-from-capacity, the share of the measured capacity to offer, above 0 and at"
                    + " most 1 (default: ${DEFAULT-VALUE}).")
    double capacityShare;

    @Option(names = "--memory-interval", paramLabel = "DURATION",
            converter = DurationConverter.class, defaultValue = "10s",
            description = "How often memory is sampled (default: ${DEFAULT-VALUE}).")
    Duration memoryInterval;

    @Option(names = "--heap-census-interval", paramLabel = "DURATION",
            converter = DurationConverter.class, defaultValue = "5m",
            description = "How often to count the live heap class by class (a full collection, so a pause; 0 for"
                    + " never); the report then compares the live heap instead of its floor and lists the classes"
                    + " that grew (default: ${DEFAULT-VALUE}).")
    Duration heapCensusInterval;

    @Option(names = "--warm-up", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "5m",
            description = "Memory before this, counted from the users' start (after the pre-roll and"
                    + " --warm-up-run), is warm-up, left out of the flatness check (default: ${DEFAULT-VALUE}).")
    Duration warmUp;

    @Mixin
    LocalRun run;

    @Spec
    CommandSpec spec;

    private final PrintStream console;

    public SoakCommand(PrintStream console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        run.check();
        CapacityShare capacity = measuredCapacityShare();
        int users = capacity == null ? run.users() : capacity.users(run.fps());
        if (capacity != null) {
            console.println("Load: " + capacity.describe(run.fps()));
        }
        OfferedLoad load = new OfferedLoad(users, run.fps(), run.jpegUsers(), run.jpegFps(), capacity);
        return run.run(console, users, () -> sampleMemory(load));
    }

    /** The share of the measured capacity to offer, if the load comes from one; null if from --users. */
    private CapacityShare measuredCapacityShare() {
        boolean usersGiven = spec.commandLine().getParseResult().hasMatchedOption("--users");
        boolean shareGiven = spec.commandLine().getParseResult().hasMatchedOption("--capacity-share");
        if (loadFromCapacity == null) {
            if (shareGiven) {
                throw new IllegalArgumentException("--capacity-share needs --load-from-capacity REPORT_JSON, the"
                        + " benchmark report whose capacity it is a share of");
            }
            return null;
        }
        if (usersGiven) {
            throw new IllegalArgumentException("--users and --load-from-capacity both set the number of users:"
                    + " give one of them");
        }
        return CapacityShare.read(loadFromCapacity, capacityShare);
    }

    /** Samples memory from the start of the measured stretch; reports on it when the stretch has streamed. */
    private LocalRun.Measurement.Running sampleMemory(OfferedLoad load) {
        MemorySampler sampler = MemorySampler.start(memoryInterval, heapCensusInterval,
                memoryReport.resolve("heap-census"));
        return new LocalRun.Measurement.Running() {
            @Override
            public void report(PrintStream out) throws IOException {
                reportMemory(sampler, load, out);
            }

            @Override
            public void close() {
                sampler.close();
            }
        };
    }

    private void reportMemory(MemorySampler memory, OfferedLoad load, PrintStream out) throws IOException {
        try {
            if (!heapCensusInterval.isZero()) {
                // the end of the run is the census that matters most
                memory.census();
            }
            MemoryReport report = new MemoryReport(memory.samples(), memory.censuses(warmUp), warmUp, load);
            report.write(memoryReport);
            out.println();
            out.print(report.toTable());
            out.println("Memory report written to " + memoryReport.toAbsolutePath());
        } catch (IllegalArgumentException e) {
            out.println("No memory report: " + e.getMessage());
        }
    }
}
