package io.driftless.bench;

import io.driftless.bench.report.Headline;
import io.driftless.bench.report.Report;
import io.driftless.bench.report.ReportFiles;
import io.driftless.bench.soak.SoakCommand;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code driftless-bench}: the benchmark suite in one command. */
@Command(
        name = "driftless-bench",
        mixinStandardHelpOptions = true,
        version = "driftless-bench 0.1.0",
        sortOptions = false,
        description = {
            "Benchmarks driftless on this machine: the Kafka, transport and compute floors, then cold starts"
                    + " second by second, the latency profile, capacity at the 33 ms deadline, overload, session skew, remote inference, JPEG"
                    + " streams, the web gateway's cost, the metrics' cost and the job on a standalone cluster, each"
                    + " pipeline figure next to its floor. Writes report.md, report.json and PNG plots.",
            "Exit code 0 when every frame of every run was accounted for and the job rendered none late, 3"
                    + " when not (the report says where), 2 for a usage error, 1 when the run failed.",
            "The soak command runs the local system for long with its memory sampled: driftless-bench soak --help."
        })
public final class BenchCli implements Callable<Integer> {

    static final int NOT_CLEAN = 3;

    static final class Mode {
        @Option(names = "--quick", description = "A few minutes: 50, 200 and 500 users, one run per point"
                + " (the default).")
        boolean quick;

        @Option(names = "--full", description = "The product's sizes: 200, 1,000 and 3,000 users, three runs per"
                + " point; takes about 20 minutes on two cores.")
        boolean full;
    }

    @ArgGroup(exclusive = true)
    private Mode mode = new Mode();

    @Option(names = "--scenarios", paramLabel = "ID", split = ",", description = "Run only these scenarios, e.g."
            + " capacity,overload (default: all of cold-start, latency-profile, capacity, drift, overload,"
            + " session-skew, remote-inference, jpeg-streams, gateway, metrics-overhead, cluster-shape; overload"
            + " needs capacity).")
    private List<String> scenarios;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write the report (default:"
            + " bench/target/report-MODE).")
    private Path out;

    private final PrintStream console;

    BenchCli(PrintStream console) {
        this.console = console;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.out).execute(args));
    }

    /** The command with its error handling: a bad option or value is a usage error (exit 2). */
    static CommandLine commandLine(PrintStream console) {
        CommandLine cli = new CommandLine(new BenchCli(console));
        // before the handlers below, which reach only the subcommands already added
        cli.addSubcommand("soak", new SoakCommand(console));
        cli.setParameterExceptionHandler(cli.getParameterExceptionHandler());
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                command.getErr().println("driftless-bench: " + e.getMessage());
                command.usage(command.getErr());
                return 2;
            }
            throw e;
        });
        return cli;
    }

    @Override
    public Integer call() throws Exception {
        BenchPlan plan = mode.full ? BenchPlan.full() : BenchPlan.quick();
        if (scenarios != null) {
            plan = plan.withScenarios(scenarios);
        }
        Path directory = out != null ? out : Path.of("bench", "target", "report-" + plan.mode());
        Report report = new BenchSuite(plan, directory, console).run();
        console.println();
        console.println("Headline (" + plan.mode() + "):");
        for (Headline h : report.headline()) {
            console.printf("  %-48s %-44s vs %-50s %s%n", h.figure(), h.value(), h.floor(), h.ratio());
        }
        console.println("Report: " + directory.resolve(ReportFiles.MARKDOWN_FILE).toAbsolutePath());
        if (!BenchSuite.clean(report)) {
            console.println("Some runs had unaccounted frames, or responses the job rendered late: see the report's"
                    + " tables.");
            return NOT_CLEAN;
        }
        return 0;
    }
}
