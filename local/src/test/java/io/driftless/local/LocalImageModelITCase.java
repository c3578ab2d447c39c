package io.driftless.local;

import static io.driftless.inference.onnx.OnnxModelBuilder.intAttribute;
import static io.driftless.inference.onnx.OnnxModelBuilder.intsAttribute;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftless.inference.onnx.OnnxModelBuilder;
import io.driftless.inference.onnx.proto.Onnx.TensorProto.DataType;
import io.driftless.local.testutils.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bin/driftless-local --model FOLDER}: the JPEG users' frames answered by a model of the
 * user's own, checked before anything starts.
 */
class LocalImageModelITCase {

    /** A classifier whose three logits are the image's channel means, 224 × 224 NCHW. */
    private static byte[] colourClassifier() {
        return OnnxModelBuilder.forGraph("colour-classifier")
                .input("pixels", DataType.FLOAT, OnnxModelBuilder.BATCH, 3, 224, 224)
                .node("ReduceMean", List.of("pixels"), List.of("logits"), intsAttribute("axes", 2, 3),
                        intAttribute("keepdims", 0))
                .output("logits", DataType.FLOAT, OnnxModelBuilder.BATCH, 3)
                .toByteArray();
    }

    private static Path modelFolder(Path dir, String descriptor) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("colours"));
        Files.write(folder.resolve("model.onnx"), colourClassifier());
        Files.writeString(folder.resolve("model.properties"), descriptor);
        Files.writeString(folder.resolve("labels.txt"), "red\ngreen\nblue\n");
        return folder;
    }

    private static int run(PrintStream out, String... args) {
        PrintStream original = System.out;
        System.setOut(out);
        try {
            return new CommandLine(new LocalDriftless()).execute(args);
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void jpegFramesAreAnsweredByTheModelInTheFolder(@TempDir Path dir) throws Exception {
        Path folder = modelFolder(dir, "family = classification\nname = colour-names\nlabels = labels.txt\n");
        Path summaryFile = dir.resolve("summary.json");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = run(new PrintStream(printed, true, StandardCharsets.UTF_8),
                // a cold JVM's JPEG path misses 33 ms for its first minute (docs/warm-up.md): this is about
                // which model answers, so the frames get the most the job allows, a second
                "--users", "2", "--jpeg-users", "1", "--jpeg-fps", "5", "--duration", "6s", "--warm-up-run", "0s",
                "--deadline-ms", "1000",
                "--model", folder.toString(),
                "--kafka-port", Integer.toString(FreePorts.pick()), "--web-port", Integer.toString(FreePorts.pick()),
                "--prometheus-port", "0", "--gateway-port", "0", "--summary-json", summaryFile.toString());
        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);

        assertThat(exit).as("exit code; it printed:%n%s", output).isZero();
        assertThat(output).contains("Image model:         colour-names (classification) from " + folder.toAbsolutePath());
        JsonNode jpeg = new ObjectMapper().readTree(summaryFile.toFile()).path("jpeg_users");
        long dropped = 0;
        for (JsonNode n : jpeg.path("dropped")) {
            dropped += n.asLong();
        }
        assertThat(jpeg.path("responses").asLong()).as("JPEG frames answered by the folder's model: %s", jpeg)
                .isPositive();
        assertThat(jpeg.path("responses").asLong() + dropped).as("in = responses + dropped: %s", jpeg)
                .isEqualTo(jpeg.path("sent").asLong());
    }

    @Test
    void aFolderWhoseDescriptorDoesNotFitItsModelIsRefusedBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        // a classifier's [N, 3] output described as a detector's
        Path folder = modelFolder(dir, "family = detection\nname = colour-names\nlabels = labels.txt\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = new CommandLine(new LocalDriftless()).execute("--model", folder.toString(), "--duration", "5s");
        } finally {
            System.setErr(original);
        }

        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--model: model folder " + folder.toAbsolutePath());
    }
}
