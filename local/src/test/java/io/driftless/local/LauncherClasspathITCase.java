package io.driftless.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftless.local.testutils.FreePorts;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command as {@code bin/driftless-local} starts it: a JVM of its own on the
 * runtime classpath the build writes ({@code target/classpath.txt}), not the test classpath,
 * which also holds every test-scope dependency and so hides one the run needs but lost; from
 * the project's root folder, as the script runs it.
 */
class LauncherClasspathITCase {

    private static final Path PROJECT_ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theLocalRunStartsStreamsAndShutsDownOnTheLaunchersClasspath(@TempDir Path dir) throws Exception {
        String printed = launch(dir, List.of("--users", "2", "--duration", "2s", "--pre-roll", "0s",
                "--prometheus-port", "0"));

        assertThat(printed).contains("The job runs in this JVM", "Web gateway:         http://localhost:",
                        "Streaming 2 synthetic users", "Shutting down ...")
                .doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
    }

    /**
     * {@code --task-managers}: the job jar submitted with {@code flink run} to a JobManager and a
     * TaskManager in JVMs of their own; every frame answered or dropped with a reason, and no
     * Flink process left once the run is over.
     */
    @Test
    void theClusterShapeServesFromFlinkProcessesOfItsOwnAndLeavesNoneBehind(@TempDir Path dir) throws Exception {
        Path summary = dir.resolve("summary.json");
        // the books, the poses and the clean shutdown need a thousand frames or so, not a long run
        int seconds = 10;
        String printed = launch(dir, List.of("--task-managers", "1", "--parallelism", "2", "--users", "5",
                "--duration", seconds + "s", "--pre-roll", "0s", "--summary-json", summary.toString()));

        assertThat(printed).contains("The job runs on a standalone Flink cluster: a JobManager and 1 TaskManagers",
                "(tm-0)", "Shutting down ...");
        JsonNode run = new ObjectMapper().readTree(summary.toFile());
        long dropped = 0;
        for (JsonNode count : run.path("dropped")) {
            dropped += count.asLong();
        }
        assertThat(run.path("sent").asLong()).as("frames sent: most of 5 users' at 30 fps")
                .isGreaterThan(5 * 30 * seconds * 3 / 4);
        assertThat(run.path("responses").asLong() + dropped).as("in = responses + dropped; it printed:%n%s", printed)
                .isEqualTo(run.path("sent").asLong());
        assertThat(run.path("responses").asLong()).as("answered by the cluster; it printed:%n%s", printed)
                .isPositive();
        assertThat(run.path("duplicates").asLong()).isZero();
        assertThat(run.path("pose_error_deg").path("mean").asDouble()).isLessThan(3.0);
        Path work = PROJECT_ROOT.resolve("local/target/cluster").toAbsolutePath();
        assertThat(ProcessHandle.allProcesses()
                        .filter(p -> p.info().commandLine().orElse("").contains(work.toString())))
                .as("Flink processes of the run still alive").isEmpty();
    }

    /** Runs driftless-local as the script does and returns what it printed, once it exited with 0. */
    private static String launch(Path dir, List<String> options) throws Exception {
        Path classpath = Path.of("target", "classpath.txt").toAbsolutePath();
        assertThat(classpath).as("the runtime classpath the build writes for bin/driftless-local").exists();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", Path.of("target", "classes").toAbsolutePath() + File.pathSeparator
                        + Files.readString(classpath, StandardCharsets.UTF_8).trim(),
                LocalDriftless.class.getName(),
                "--kafka-port", Integer.toString(FreePorts.pick()),
                "--web-port", Integer.toString(FreePorts.pick()),
                "--gateway-port", Integer.toString(FreePorts.pick())));
        command.addAll(options);
        Path output = dir.resolve("run.out");
        Process run = new ProcessBuilder(command)
                .directory(PROJECT_ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        boolean ended = run.waitFor(5, TimeUnit.MINUTES);
        if (!ended) {
            run.destroyForcibly();
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(ended).as("the run ended; it printed:%n%s", printed).isTrue();
        assertThat(run.exitValue()).as("exit code; it printed:%n%s", printed).isZero();
        return printed;
    }
}
