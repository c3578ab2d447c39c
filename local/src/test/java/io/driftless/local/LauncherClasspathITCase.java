package io.driftless.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.local.testutils.FreePorts;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command as {@code bin/driftless-local} starts it: a JVM of its own on the
 * runtime classpath the build writes ({@code target/classpath.txt}), not the test classpath,
 * which also holds every test-scope dependency and so hides one the run needs but lost.
 */
class LauncherClasspathITCase {

    @Test
    void theLocalRunStartsStreamsAndShutsDownOnTheLaunchersClasspath(@TempDir Path dir) throws Exception {
        Path classpath = Path.of("target", "classpath.txt");
        assertThat(classpath).as("the runtime classpath the build writes for bin/driftless-local").exists();
        Path output = dir.resolve("run.out");
        Process run = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                        "-cp", Path.of("target", "classes") + File.pathSeparator
                                + Files.readString(classpath, StandardCharsets.UTF_8).trim(),
                        LocalDriftless.class.getName(),
                        "--users", "2", "--duration", "2s", "--warm-up-run", "0s",
                        "--kafka-port", Integer.toString(FreePorts.pick()),
                        "--web-port", Integer.toString(FreePorts.pick()), "--prometheus-port", "0",
                        "--gateway-port", Integer.toString(FreePorts.pick())))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        boolean ended = run.waitFor(3, TimeUnit.MINUTES);
        if (!ended) {
            run.destroyForcibly();
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(ended).as("the run ended; it printed:%n%s", printed).isTrue();
        assertThat(run.exitValue()).as("exit code; it printed:%n%s", printed).isZero();
        assertThat(printed).contains("Web gateway:         http://localhost:", "Streaming 2 synthetic users",
                        "Shutting down ...")
                .doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
    }
}
