package io.driftless.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.configuration.Configuration;

/**
 * Flink's command line ({@code org.apache.flink.client.cli.CliFrontend}, what {@code bin/flink}
 * runs) in a JVM of its own, with the cluster's conf, lib and plugins folders.
 *
 * <pre>{@code
 * FlinkCli.Result result = cluster.cli().run(List.of("-d", jobJar.toString(), "--bootstrap-servers", kafka));
 * String jobId = result.submittedJobId();
 * }</pre>
 */
public final class FlinkCli {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private final FlinkDistribution flink;
    private final Path confDir;
    private final Configuration conf;
    private final String jobManager;
    private final Path logDir;
    private final AtomicInteger calls = new AtomicInteger();

    FlinkCli(FlinkDistribution flink, Path confDir, Configuration conf, String jobManager, Path logDir) {
        this.flink = flink;
        this.confDir = confDir;
        this.conf = conf;
        this.jobManager = jobManager;
        this.logDir = logDir;
    }

    /** What a call printed and how it exited. */
    public record Result(int exitCode, String output) {
        /** The id in "Job has been submitted with JobID …", or an error naming the output. */
        public String submittedJobId() {
            String marker = "Job has been submitted with JobID ";
            int at = output.indexOf(marker);
            if (exitCode != 0 || at < 0) {
                throw new IllegalStateException("flink run submitted no job (exit " + exitCode + "):\n" + output);
            }
            return output.substring(at + marker.length()).split("\\s")[0];
        }
    }

    /** {@code flink run -m HOST:PORT ARGS…}: ARGS are run's options, the jar and the job's arguments. */
    public Result run(List<String> args) {
        List<String> all = new ArrayList<>(List.of("run", "-m", jobManager));
        all.addAll(args);
        return call(all);
    }

    /** {@code flink ARGS…}, waiting for it to exit. */
    public Result call(List<String> args) {
        int call = calls.incrementAndGet();
        List<String> jvm = new ArrayList<>(FlinkDistribution.javaOpts(conf, "client"));
        jvm.add("-Xmx256m");
        jvm.add("-Dlog.file=" + logDir.resolve("flink-cli-" + call + ".log"));
        jvm.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        Path output = logDir.resolve("flink-cli-" + call + ".out");
        try (ChildJvm cli = ChildJvm.start("flink-cli-" + call, jvm, flink.classpath(),
                "org.apache.flink.client.cli.CliFrontend", args,
                Map.of("FLINK_CONF_DIR", confDir.toString(),
                        "FLINK_LIB_DIR", flink.lib().toString(),
                        "FLINK_PLUGINS_DIR", flink.plugins().toString()),
                output)) {
            int exit = cli.awaitExit(TIMEOUT);
            return new Result(exit, Files.readString(output, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
