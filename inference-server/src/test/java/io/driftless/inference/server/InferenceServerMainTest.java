package io.driftless.inference.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InferenceServerMainTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = InferenceServerMain.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void explainsEveryFlagWithItsDefaultOnHelp() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString())
                .contains("--port", "(default: 50051)", "--metrics-port", "(default: 9400)", "--model-dir",
                        "--queue-capacity", "RESOURCE_EXHAUSTED", "--tls-cert", "--tls-key", "--tls-client-ca",
                        "--grace", "--stream-window", "(default: 256)", "--image-model", "model.properties");
    }

    @Test
    void refusesAStreamWindowBelowOneFrameWithAUsageError() {
        assertThat(run("--port", "0", "--metrics-port", "0", "--stream-window", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("error: --stream-window must be at least 1, got 0");
    }

    @Test
    void refusesHalfATlsSetupWithAUsageError() {
        assertThat(run("--port", "0", "--metrics-port", "0", "--tls-cert", "server.pem")).isEqualTo(2);
        assertThat(err.toString()).contains("error: TLS needs both --tls-cert and --tls-key");
    }

    @Test
    void refusesAModelDirectoryWithoutAModelAndSaysWhereItLooked() {
        assertThat(run("--port", "0", "--metrics-port", "0", "--model-dir", "/nonexistent/models")).isEqualTo(2);
        assertThat(err.toString()).contains("error: model directory /nonexistent/models does not exist");
    }

    @Test
    void refusesAnImageModelFolderThatCannotBeServedWithAUsageError() {
        assertThat(run("--port", "0", "--metrics-port", "0", "--image-model", "/nonexistent/yolo")).isEqualTo(2);
        assertThat(err.toString()).contains("error: model folder /nonexistent/yolo is not a directory");
    }

    @Test
    void loadsEveryImageModelGivenAndRefusesTwoOfOneName(@TempDir Path dir) throws Exception {
        String[] folders = new String[2];
        for (int i = 0; i < folders.length; i++) {
            Path folder = Files.createDirectories(dir.resolve("pets-" + i));
            Files.writeString(folder.resolve("model.properties"), "family = detection\nname = pets\nlabels = labels.txt\n");
            Files.write(folder.resolve("model.onnx"), ServedImageModelTest.oneDogDetector());
            Files.writeString(folder.resolve("labels.txt"), "cat\ndog\n");
            folders[i] = folder.toString();
        }
        assertThat(run("--port", "0", "--metrics-port", "0", "--image-model", folders[0], "--image-model", folders[1]))
                .isEqualTo(2);
        assertThat(err.toString()).contains("is named 'pets', as a model this server already serves");
    }

    @Test
    void refusesABatchLargerThanItsQueue() {
        assertThat(run("--max-batch-size", "64", "--queue-capacity", "8")).isEqualTo(2);
        assertThat(err.toString()).contains("queueCapacity (8) must be at least maxBatchSize (64)",
                "set --max-batch-size, --queue-capacity, --intra-op-threads");
    }

    @Test
    void refusesAGraceThatIsNotADurationAndSaysHowToWriteOne() {
        assertThat(run("--port", "0", "--metrics-port", "0", "--grace", "10")).isEqualTo(2);
        assertThat(err.toString()).contains("'10' is not a duration: write it like 40s, 2m, 500ms, 1h or ISO-8601 PT40S");
    }

    @Test
    void refusesAnUnknownFlag() {
        assertThat(run("--prot", "1")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown options: '--prot', '1'");
    }
}
