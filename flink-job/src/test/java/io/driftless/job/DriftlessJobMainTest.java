package io.driftless.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The job's main runs in the JobManager's JVM when a job is submitted through REST, the web UI
 * or in application mode: a bad submission must fail with a message, never end that JVM.
 */
class DriftlessJobMainTest {

    @Test
    void badArgumentFailsWithAClearMessageInsteadOfExiting() {
        // were main to exit, this test's JVM would end here and the build would fail
        assertThatThrownBy(() -> DriftlessJob.main(new String[] {"--bootstrap-servers", "k:1", "--deadline", "banana"}))
                .isInstanceOf(JobArgumentsException.class)
                .hasMessageStartingWith("driftless: ")
                .hasMessageContaining("deadline")
                .hasMessageContaining("banana")
                .hasMessageEndingWith(JobArgumentsException.HINT);
    }

    @Test
    void unknownOptionAndMissingBootstrapServersFailTheSameWay() {
        assertThatThrownBy(() -> DriftlessJob.main(new String[] {"--bootstrap-servers", "k:1", "--deadlin", "8"}))
                .isInstanceOf(JobArgumentsException.class)
                .hasMessage("driftless: unknown option --deadlin: see --help for the options\n" + JobArgumentsException.HINT);
        assertThatThrownBy(() -> DriftlessJob.main(new String[] {"--deadline", "50 ms"}))
                .isInstanceOf(JobArgumentsException.class)
                .hasMessageContaining("--bootstrap-servers");
    }

    @Test
    void noMainCodeOfTheJobExitsTheJvm() throws IOException {
        // the topic check's failure and any other path: the job's code never calls System.exit
        Path sources = Path.of("src/main/java");
        assertThat(sources).isDirectory();
        try (Stream<Path> files = Files.walk(sources)) {
            List<Path> exiting = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> read(f).contains("System.exit") || read(f).contains("Runtime.getRuntime().halt"))
                    .toList();
            assertThat(exiting).as("sources of the job that end the JVM").isEmpty();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
