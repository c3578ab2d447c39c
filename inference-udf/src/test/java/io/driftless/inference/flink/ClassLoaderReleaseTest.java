package io.driftless.inference.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TaskManager gets back all of a cancelled job: its classloader, threads, JVM shutdown hooks
 * and extracted native libraries. Each submission used to leave its whole classloader behind
 * (ONNX Runtime's shutdown hook, JavaCPP's deallocator thread, the JDK's delay scheduler), until
 * the TaskManager ran out of metaspace.
 *
 * <p>{@link ClassLoaderReleaseProbe} runs in a JVM of its own (no ONNX Runtime or JavaCPP loaded
 * before, a temp folder of its own) with the module flags a TaskManager has from the Flink
 * distribution's {@code env.java.opts.all}.
 */
class ClassLoaderReleaseTest {

    @Test
    void releasingTheJobsClassLoaderLeavesNothingOfTheJobInTheTaskManager(@TempDir Path temp) throws Exception {
        runProbe(temp, true);
    }

    @Test
    void aJobWithoutImageFramesNeverLoadsTheJpegCodecsNativesAndIsReleasedToo(@TempDir Path temp) throws Exception {
        runProbe(temp, false);
    }

    private static void runProbe(Path temp, boolean images) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path output = temp.resolve("probe.out");
        Path tmpdir = Files.createDirectories(temp.resolve("tmp"));
        Process probe = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx512m",
                        "--add-opens=java.base/java.lang=ALL-UNNAMED",
                        "--add-opens=java.base/java.util=ALL-UNNAMED",
                        "-Djava.io.tmpdir=" + tmpdir,
                        "-D" + ClassLoaderReleaseProbe.IMAGES + "=" + images,
                        "-cp", classpath,
                        ClassLoaderReleaseProbe.class.getName(),
                        classpath))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        boolean ended = probe.waitFor(90, TimeUnit.SECONDS);
        if (!ended) {
            probe.destroyForcibly();
        }
        String report = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(ended).as("the probe ended; it printed:%n%s", report).isTrue();
        assertThat(probe.exitValue()).as("what the released job left behind:%n%s", report).isZero();
        assertThat(report).contains(ClassLoaderReleaseProbe.RELEASED);
        try (var left = Files.list(tmpdir)) {
            assertThat(left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("onnxruntime-java")))
                    .as("ONNX Runtime's temp folders in " + tmpdir + File.separator).isEmpty();
        }
    }
}
