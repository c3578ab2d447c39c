package io.driftless.inference.pose;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JSON summary beside the pose model: its content and its layout of fields. */
class PoseSummaryJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path COMMITTED = Path.of("..", "models", "pose", "pose-v1.json");

    private static PoseTrainingResult result;

    @BeforeAll
    static void trainATinyModel() {
        result = PoseModelTrainer.train(PoseTrainingConfig.defaults()
                .withTrainingSamples(400)
                .withEpochs(2)
                .withHeldOutSamples(100, 100), p -> {});
    }

    @Test
    void holdsTheSameTreeAsTheSummaryFormerlyWrittenByHand() throws Exception {
        String written = PoseModelTrainer.metricsJson(result, "pose.onnx");

        assertThat(JSON.readTree(written)).isEqualTo(JSON.readTree(handWritten(result, "pose.onnx")));
        assertThat(written).endsWith("}\n").contains("\"file\": \"pose.onnx\"");
    }

    @Test
    void hasTheFieldsOfTheCommittedSummaryInTheirOrder() throws Exception {
        JsonNode committed = JSON.readTree(Files.readString(COMMITTED));
        JsonNode written = JSON.readTree(PoseModelTrainer.metricsJson(result, "pose-v1.onnx"));

        assertThat(fieldPaths(written)).isEqualTo(fieldPaths(committed));
        assertThat(written.get("file")).isEqualTo(committed.get("file"));
        assertThat(written.get("architecture")).isEqualTo(committed.get("architecture"));
        assertThat(written.get("data")).isEqualTo(committed.get("data"));
    }

    /** Every field's path in document order; an array's elements are walked one by one. */
    private static List<String> fieldPaths(JsonNode node) {
        List<String> paths = new ArrayList<>();
        collect(node, "", paths);
        return paths;
    }

    private static void collect(JsonNode node, String at, List<String> paths) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                paths.add(at + "/" + field.getKey());
                collect(field.getValue(), at + "/" + field.getKey(), paths);
            }
        } else if (node.isArray() && node.size() > 0) {
            collect(node.get(0), at + "[]", paths);
        }
    }

    /** The summary as the trainer wrote it by string formatting before it used Jackson: the reference. */
    private static String handWritten(PoseTrainingResult result, String modelFile) throws Exception {
        PoseTrainingConfig c = result.config();
        String accuracies = result.heldOut().stream()
                .map(a -> String.format(Locale.ROOT,
                        "    {\"noise_px\": %.1f, \"samples\": %d, \"yaw_mae_deg\": %.3f, \"pitch_mae_deg\": %.3f,"
                                + " \"roll_mae_deg\": %.3f, \"rotation_error_deg\": %.3f,"
                                + " \"position_error_mm\": %.2f, \"depth_error_mm\": %.2f}",
                        a.noisePx(), a.samples(), a.yawMaeDeg(), a.pitchMaeDeg(), a.rollMaeDeg(),
                        a.rotationErrorDeg(), a.positionErrorMm(), a.depthErrorMm()))
                .collect(Collectors.joining(",\n"));
        return String.format(Locale.ROOT, String.join("\n",
                        "{",
                        "  \"model\": \"%s\",",
                        "  \"file\": \"%s\",",
                        "  \"sha256\": \"%s\",",
                        "  \"seed\": %d,",
                        "  \"architecture\": {\"input\": \"%s\", \"features\": %d, \"hidden_layers\": %s,"
                                + " \"activation\": \"tanh\", \"output\": \"%s\", \"outputs\": %d},",
                        "  \"training\": {\"samples\": %d, \"epochs\": %d, \"batch_size\": %d, \"optimizer\": \"adam\","
                                + " \"learning_rate\": %s, \"final_learning_rate\": %s, \"noise_px\": [0, %s],"
                                + " \"final_loss\": %.6f},",
                        "  \"data\": {\"yaw_deg\": [%s, %s], \"pitch_deg\": [%s, %s], \"roll_deg\": [%s, %s],"
                                + " \"distance_m\": [%s, %s], \"horizontal_fov_deg\": [%s, %s], \"image_sizes\": [%s]},",
                        "  \"held_out\": [",
                        "%s",
                        "  ]",
                        "}",
                        ""),
                PoseModelAdapter.MODEL_NAME, modelFile, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(result.model())), c.seed(),
                PoseModelAdapter.INPUT_NAME, PoseFeatures.COUNT, c.hiddenLayers(),
                PoseModelAdapter.OUTPUT_NAME, PoseOutputs.COUNT,
                c.trainingSamples(), c.epochs(), c.batchSize(), c.learningRate(), c.finalLearningRate(),
                c.maxTrainingNoisePx(), result.finalTrainingLoss(),
                -SyntheticFaces.MAX_YAW_DEG, SyntheticFaces.MAX_YAW_DEG,
                -SyntheticFaces.MAX_PITCH_DEG, SyntheticFaces.MAX_PITCH_DEG,
                -SyntheticFaces.MAX_ROLL_DEG, SyntheticFaces.MAX_ROLL_DEG,
                SyntheticFaces.MIN_DISTANCE_M, SyntheticFaces.MAX_DISTANCE_M,
                SyntheticFaces.MIN_HORIZONTAL_FOV_DEG, SyntheticFaces.MAX_HORIZONTAL_FOV_DEG,
                SyntheticFaces.IMAGE_SIZES.stream().map(wh -> "\"" + wh[0] + "x" + wh[1] + "\"")
                        .collect(Collectors.joining(", ")),
                accuracies);
    }
}
