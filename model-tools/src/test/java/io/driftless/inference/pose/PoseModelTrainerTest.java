package io.driftless.inference.pose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoseModelTrainerTest {

    private static final PoseTrainingConfig TINY = PoseTrainingConfig.defaults()
            .withTrainingSamples(400)
            .withEpochs(2)
            .withHeldOutSamples(100, 100);

    @Test
    void sameSeedTrainsByteIdenticalModels() {
        byte[] first = PoseModelTrainer.train(TINY, p -> {}).model();
        byte[] second = PoseModelTrainer.train(TINY, p -> {}).model();

        assertThat(second).isEqualTo(first);
    }

    @Test
    void anotherSeedTrainsAnotherModel() {
        byte[] first = PoseModelTrainer.train(TINY, p -> {}).model();
        byte[] other = PoseModelTrainer.train(TINY.withSeed(TINY.seed() + 1), p -> {}).model();

        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void reportsEveryEpochAndEveryEvaluationNoiseLevel() {
        List<PoseModelTrainer.EpochProgress> progress = new ArrayList<>();

        PoseTrainingResult result = PoseModelTrainer.train(TINY, progress::add);

        assertThat(progress).extracting(PoseModelTrainer.EpochProgress::epoch).containsExactly(1, 2);
        assertThat(progress).allSatisfy(p -> assertThat(p.heldOut().samples()).isEqualTo(100));
        assertThat(result.heldOut()).extracting(PoseAccuracy::noisePx).containsExactly(0.0, 1.5, 2.5);
        assertThat(result.accuracyAt(1.5).samples()).isEqualTo(100);
    }

    @Test
    void trainedModelLoadsInOnnxRuntimeWithTheAdaptersTensorNames() throws Exception {
        byte[] model = PoseModelTrainer.train(TINY, p -> {}).model();

        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(model, new OrtSession.SessionOptions())) {
            assertThat(session.getInputNames()).containsExactly(PoseModelAdapter.INPUT_NAME);
            assertThat(session.getOutputNames()).containsExactly(PoseModelAdapter.OUTPUT_NAME);
            assertThat(session.getMetadata().getCustomMetadata()).containsEntry("seed", Long.toString(TINY.seed()));
        }
    }

    @Test
    void configRejectsNonsenseAndNamesTheField() {
        assertThatThrownBy(() -> TINY.withEpochs(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("epochs must be positive, got 0");
        assertThatThrownBy(() -> new PoseTrainingConfig(1, 10, 10, 10, 1, 8, List.of(), 1e-3, 1e-4, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hiddenLayers must list at least one positive width, got []");
    }

    @Test
    void helpPrintsUsageAndSucceeds() {
        Console console = new Console();

        assertThat(PoseModelTrainer.run(new String[] {"--help"}, console.out, console.err)).isZero();
        assertThat(console.out()).startsWith("Usage: PoseModelTrainer").contains("--out=FILE", "--epochs=N", "default: " + PoseTrainingConfig.DEFAULT_SEED);
    }

    @Test
    void badArgumentsExitWithCodeTwoAndSayWhatIsWrong() {
        assertUsageError(new String[] {"--epochs", "many"}, "error: Invalid value for option '--epochs': 'many' is not an int");
        assertUsageError(new String[] {"--samples", "-5"}, "error: --samples must be a positive integer, got -5");
        assertUsageError(new String[] {"--out"}, "error: Missing required parameter for option '--out' (FILE)");
        assertUsageError(new String[] {"--fast"}, "error: Unknown option: '--fast'");
    }

    @Test
    void defaultOutputIsUnderTheRepositoryRootFromTheRootAndFromTheModule(@TempDir Path repo) throws Exception {
        Files.createDirectories(repo.resolve("model-tools"));
        Files.writeString(repo.resolve("model-tools/pom.xml"), "<project/>");
        Path expected = repo.resolve("models/pose/pose-v1.onnx");

        assertThat(PoseModelTrainer.defaultOutput(repo)).isEqualTo(expected);
        assertThat(PoseModelTrainer.defaultOutput(repo.resolve("model-tools"))).isEqualTo(expected);
    }

    @Test
    void defaultOutputOutsideTheRepositoryAsksForOut(@TempDir Path elsewhere) {
        assertThatThrownBy(() -> PoseModelTrainer.defaultOutput(elsewhere))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("; pass --out FILE");
    }

    @Test
    void commandWritesTheModelAndAJsonSummaryAndPrintsTheAccuracyTable(@TempDir Path dir) throws Exception {
        Console console = new Console();
        Path model = dir.resolve("nested/pose.onnx");

        int code = PoseModelTrainer.run(
                new String[] {"--out", model.toString(), "--samples=300", "--epochs=1", "--seed", "5"},
                console.out, console.err);

        assertThat(code).as(console.err()).isZero();
        assertThat(model).isNotEmptyFile();
        String json = Files.readString(dir.resolve("nested/pose.json"));
        assertThat(json).contains("\"seed\": 5,", "\"samples\": 300,", "\"noise_px\": 1.5,", "\"file\": \"pose.onnx\"");
        assertThat(console.out()).contains("epoch   1/1", "noise px |   yaw ° | pitch ° |  roll °");
    }

    private static void assertUsageError(String[] args, String message) {
        Console console = new Console();

        assertThat(PoseModelTrainer.run(args, console.out, console.err)).isEqualTo(PoseModelTrainer.EXIT_USAGE);
        assertThat(console.err()).startsWith(message).contains("--help");
    }

    /** Captures what the command prints. */
    private static final class Console {
        private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

        String out() {
            return outBytes.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return errBytes.toString(StandardCharsets.UTF_8);
        }
    }
}
