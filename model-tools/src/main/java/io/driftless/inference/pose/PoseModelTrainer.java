package io.driftless.inference.pose;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftless.cli.Commands;
import io.driftless.inference.onnx.OnnxModelBuilder;
import io.driftless.inference.onnx.proto.Onnx.TensorProto.DataType;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Random;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Trains the {@code pose-v1} model on synthetic faces ({@link SyntheticFaces}) and exports it to
 * ONNX. Usable as a library ({@link #train}) and as a command:
 *
 * <pre>
 * mvn -B -q -pl model-tools -am install -DskipTests && mvn -B -q -pl model-tools exec:java
 * </pre>
 *
 * <p>Without {@code --out} the model goes to {@value #DEFAULT_OUTPUT} under the repository root,
 * found by walking up from the working directory, so the command works from the root and from
 * the module directory alike. A relative {@code --out} is resolved against the directory Maven
 * was started in, since {@code exec:java} runs inside Maven's JVM. Training is single-threaded
 * and seeded: one config, one model.
 */
public final class PoseModelTrainer {

    /** The noise level the model's accuracy is stated at. */
    public static final double REPORTED_NOISE_PX = 1.5;
    /** The noise levels of the final accuracy table. */
    public static final List<Double> EVALUATION_NOISE_PX = List.of(0.0, REPORTED_NOISE_PX, 2.5);
    public static final String DEFAULT_OUTPUT = PoseModelAdapter.BUNDLED_MODEL;

    static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;
    static final int EXIT_FAILURE = 1;

    private PoseModelTrainer() {}

    /** What one epoch achieved; {@code heldOut} is measured at {@link #REPORTED_NOISE_PX}. */
    public record EpochProgress(
            int epoch, int epochs, double trainingLoss, double learningRate, PoseAccuracy heldOut) {}

    public static void main(String[] args) {
        Commands.exitOnFailure(run(args, System.out, System.err));
    }

    /** The command: parses {@code args}, trains, writes files; returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options options = new Options();
        OptionalInt early = Commands.parse(new CommandLine(options), args, options::validate, out, err);
        if (early.isPresent()) {
            return early.getAsInt();
        }
        Path modelPath;
        try {
            modelPath = options.out != null ? options.out : defaultOutput(Path.of("").toAbsolutePath());
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return EXIT_USAGE;
        }
        Path metricsPath = options.metrics != null ? options.metrics : siblingJson(modelPath);
        PoseTrainingConfig config = options.config();

        out.printf(Locale.ROOT, "training %s: %,d faces, %d epochs, hidden %s, seed %d%n",
                PoseModelAdapter.MODEL_NAME, config.trainingSamples(), config.epochs(),
                config.hiddenLayers(), config.seed());
        long start = System.nanoTime();
        PoseTrainingResult result = train(config, p -> out.printf(Locale.ROOT,
                "epoch %3d/%d  loss %.5f  lr %.1e  held-out MAE @%.1f px: yaw %.2f°  pitch %.2f°  roll %.2f°"
                        + "  position %.1f mm  [%.0f s]%n",
                p.epoch(), p.epochs(), p.trainingLoss(), p.learningRate(), REPORTED_NOISE_PX,
                p.heldOut().yawMaeDeg(), p.heldOut().pitchMaeDeg(), p.heldOut().rollMaeDeg(),
                p.heldOut().positionErrorMm(), (System.nanoTime() - start) / 1e9));
        double seconds = (System.nanoTime() - start) / 1e9;

        out.println();
        out.print(accuracyTable(result));
        try {
            Files.createDirectories(modelPath.toAbsolutePath().getParent());
            Files.write(modelPath, result.model());
            Files.createDirectories(metricsPath.toAbsolutePath().getParent());
            Files.writeString(metricsPath, metricsJson(result, modelPath.getFileName().toString()));
        } catch (IOException e) {
            err.println("error: cannot write the model: " + e);
            return EXIT_FAILURE;
        }
        out.printf(Locale.ROOT, "%nwrote %s (%,d bytes) and %s; training took %.0f s%n",
                modelPath, result.model().length, metricsPath, seconds);
        return 0;
    }

    /**
     * Trains a model. Deterministic: every random choice derives from {@code config.seed()}, and
     * the arithmetic runs in one thread in a fixed order.
     *
     * @param progress told after each epoch
     */
    public static PoseTrainingResult train(PoseTrainingConfig config, Consumer<EpochProgress> progress) {
        long seed = config.seed();
        SyntheticFaces.Face[] training = faces(new Random(streamSeed(seed, 1)), config.trainingSamples());
        HeldOutSet validation = HeldOutSet.observe(
                faces(new Random(streamSeed(seed, 2)), config.validationSamples()),
                new Random(streamSeed(seed, 3)), REPORTED_NOISE_PX);
        Standardization scaling = Standardization.measure(
                training, new Random(streamSeed(seed, 4)), config.maxTrainingNoisePx());

        int[] sizes = new int[config.hiddenLayers().size() + 2];
        sizes[0] = PoseFeatures.COUNT;
        for (int i = 0; i < config.hiddenLayers().size(); i++) {
            sizes[i + 1] = config.hiddenLayers().get(i);
        }
        sizes[sizes.length - 1] = PoseOutputs.COUNT;
        DenseNetwork net = new DenseNetwork(sizes, new Random(streamSeed(seed, 5)));
        DenseNetwork.Trainer trainer = new DenseNetwork.Trainer(net, config.batchSize());

        Random order = new Random(streamSeed(seed, 6));
        Random noise = new Random(streamSeed(seed, 7));
        int n = training.length, batch = config.batchSize();
        int[] permutation = new int[n];
        for (int i = 0; i < n; i++) {
            permutation[i] = i;
        }
        float[] x = new float[batch * PoseFeatures.COUNT];
        float[] t = new float[batch * PoseOutputs.COUNT];
        long stepsPerEpoch = (n + batch - 1) / batch, totalSteps = stepsPerEpoch * config.epochs(), step = 0;
        double epochLoss = Double.NaN;
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            shuffle(permutation, order);
            double lossSum = 0, learningRate = config.learningRate();
            for (int first = 0; first < n; first += batch) {
                int rows = Math.min(batch, n - first);
                for (int r = 0; r < rows; r++) {
                    SyntheticFaces.Face face = training[permutation[first + r]];
                    // fresh noise every epoch: the network never sees the same observation twice
                    FaceKeypoints observed = face.observe(noise, noise.nextDouble() * config.maxTrainingNoisePx());
                    PoseFeatures.Normalization norm = PoseFeatures.write(
                            observed.xy(), face.camera(), x, r * PoseFeatures.COUNT);
                    scaling.standardizeFeatures(x, r * PoseFeatures.COUNT);
                    scaling.standardizeTargets(PoseOutputs.targets(face.pose(), norm), t, r * PoseOutputs.COUNT);
                }
                learningRate = cosineDecay(config, step++, totalSteps);
                lossSum += trainer.step(x, t, rows, learningRate);
            }
            epochLoss = lossSum / stepsPerEpoch;
            progress.accept(new EpochProgress(epoch + 1, config.epochs(), epochLoss, learningRate,
                    validation.evaluate(scaling.fold(net))));
        }

        DenseNetwork exported = scaling.fold(net);
        SyntheticFaces.Face[] evaluationFaces =
                faces(new Random(streamSeed(seed, 8)), config.evaluationSamples());
        List<PoseAccuracy> heldOut = new ArrayList<>();
        for (int i = 0; i < EVALUATION_NOISE_PX.size(); i++) {
            heldOut.add(HeldOutSet.observe(evaluationFaces, new Random(streamSeed(seed, 9 + i)),
                    EVALUATION_NOISE_PX.get(i)).evaluate(exported));
        }
        return new PoseTrainingResult(toOnnx(exported, config), config, heldOut, epochLoss);
    }

    static String accuracyTable(PoseTrainingResult result) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT,
                "held-out accuracy, %,d faces per row (mean absolute error; position = distance of head origin)%n",
                result.config().evaluationSamples()));
        s.append("noise px |   yaw ° | pitch ° |  roll ° | rotation ° | position mm | depth mm\n");
        s.append("---------+---------+---------+---------+------------+-------------+---------\n");
        for (PoseAccuracy a : result.heldOut()) {
            s.append(String.format(Locale.ROOT, "%8.1f | %7.2f | %7.2f | %7.2f | %10.2f | %11.1f | %8.1f%n",
                    a.noisePx(), a.yawMaeDeg(), a.pitchMaeDeg(), a.rollMaeDeg(), a.rotationErrorDeg(),
                    a.positionErrorMm(), a.depthErrorMm()));
        }
        return s.toString();
    }

    /** Writes the summary as "name": value, two spaces a level, a newline at the end. */
    private static final ObjectWriter SUMMARY_WRITER = new ObjectMapper()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .writer(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    /**
     * The JSON summary beside the model: what it is, how it was trained and what it measured on
     * the held-out faces. Measurements keep the decimals they are reported with.
     */
    static String metricsJson(PoseTrainingResult result, String modelFile) {
        PoseTrainingConfig c = result.config();
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("model", PoseModelAdapter.MODEL_NAME);
        root.put("file", modelFile);
        root.put("sha256", sha256(result.model()));
        root.put("seed", c.seed());
        ObjectNode architecture = root.putObject("architecture");
        architecture.put("input", PoseModelAdapter.INPUT_NAME);
        architecture.put("features", PoseFeatures.COUNT);
        ArrayNode hidden = architecture.putArray("hidden_layers");
        c.hiddenLayers().forEach(hidden::add);
        architecture.put("activation", "tanh");
        architecture.put("output", PoseModelAdapter.OUTPUT_NAME);
        architecture.put("outputs", PoseOutputs.COUNT);
        ObjectNode training = root.putObject("training");
        training.put("samples", c.trainingSamples());
        training.put("epochs", c.epochs());
        training.put("batch_size", c.batchSize());
        training.put("optimizer", "adam");
        training.put("learning_rate", c.learningRate());
        training.put("final_learning_rate", c.finalLearningRate());
        training.putArray("noise_px").add(0).add(c.maxTrainingNoisePx());
        training.put("final_loss", decimals(result.finalTrainingLoss(), 6));
        ObjectNode data = root.putObject("data");
        data.putArray("yaw_deg").add(-SyntheticFaces.MAX_YAW_DEG).add(SyntheticFaces.MAX_YAW_DEG);
        data.putArray("pitch_deg").add(-SyntheticFaces.MAX_PITCH_DEG).add(SyntheticFaces.MAX_PITCH_DEG);
        data.putArray("roll_deg").add(-SyntheticFaces.MAX_ROLL_DEG).add(SyntheticFaces.MAX_ROLL_DEG);
        data.putArray("distance_m").add(SyntheticFaces.MIN_DISTANCE_M).add(SyntheticFaces.MAX_DISTANCE_M);
        data.putArray("horizontal_fov_deg")
                .add(SyntheticFaces.MIN_HORIZONTAL_FOV_DEG).add(SyntheticFaces.MAX_HORIZONTAL_FOV_DEG);
        ArrayNode imageSizes = data.putArray("image_sizes");
        SyntheticFaces.IMAGE_SIZES.forEach(wh -> imageSizes.add(wh[0] + "x" + wh[1]));
        ArrayNode heldOut = root.putArray("held_out");
        for (PoseAccuracy a : result.heldOut()) {
            heldOut.addObject()
                    .put("noise_px", decimals(a.noisePx(), 1))
                    .put("samples", a.samples())
                    .put("yaw_mae_deg", decimals(a.yawMaeDeg(), 3))
                    .put("pitch_mae_deg", decimals(a.pitchMaeDeg(), 3))
                    .put("roll_mae_deg", decimals(a.rollMaeDeg(), 3))
                    .put("rotation_error_deg", decimals(a.rotationErrorDeg(), 3))
                    .put("position_error_mm", decimals(a.positionErrorMm(), 2))
                    .put("depth_error_mm", decimals(a.depthErrorMm(), 2));
        }
        try {
            return SUMMARY_WRITER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a tree of plain values as JSON", e);
        }
    }

    /** {@code value} rounded as the accuracy table prints it, so that the summary and the table agree. */
    private static BigDecimal decimals(double value, int places) {
        return new BigDecimal(String.format(Locale.ROOT, "%." + places + "f", value));
    }

    /** {@value #DEFAULT_OUTPUT} under the first directory upwards that holds the model-tools module. */
    static Path defaultOutput(Path workingDirectory) {
        for (Path dir = workingDirectory; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("model-tools").resolve("pom.xml"))) {
                return dir.resolve(DEFAULT_OUTPUT);
            }
        }
        throw new IllegalArgumentException("cannot find the repository root (a directory with"
                + " model-tools/pom.xml) above " + workingDirectory + "; pass --out FILE");
    }

    private static byte[] toOnnx(DenseNetwork network, PoseTrainingConfig config) {
        OnnxModelBuilder model = OnnxModelBuilder.forGraph(PoseModelAdapter.MODEL_NAME)
                .producer("driftless PoseModelTrainer", "1")
                .docString("Head pose from six BlazeFace keypoints. Input " + PoseModelAdapter.INPUT_NAME
                        + " [N, " + PoseFeatures.COUNT + "]: keypoints in focal-length units relative to their"
                        + " centroid and divided by their RMS radius (x0, y0 ... x5, y5), then centroid x, y"
                        + " and ln(radius). Output " + PoseModelAdapter.OUTPUT_NAME + " [N, " + PoseOutputs.COUNT
                        + "]: yaw, pitch, roll (degrees, R = Ry Rx Rz), ln(z * radius), head origin offset"
                        + " from the centroid in radius units (x, y).")
                .metadata("model", PoseModelAdapter.MODEL_NAME)
                .metadata("seed", Long.toString(config.seed()))
                .metadata("training_samples", Integer.toString(config.trainingSamples()))
                .metadata("epochs", Integer.toString(config.epochs()))
                .input(PoseModelAdapter.INPUT_NAME, DataType.FLOAT, OnnxModelBuilder.BATCH, PoseFeatures.COUNT);
        network.export(model, PoseModelAdapter.INPUT_NAME, PoseModelAdapter.OUTPUT_NAME);
        return model.toByteArray();
    }

    private static SyntheticFaces.Face[] faces(Random random, int count) {
        SyntheticFaces.Face[] faces = new SyntheticFaces.Face[count];
        for (int i = 0; i < count; i++) {
            faces[i] = SyntheticFaces.next(random);
        }
        return faces;
    }

    /** Independent streams from one seed, so adding samples to one set never shifts another. */
    private static long streamSeed(long seed, int stream) {
        return seed * 0x9E3779B97F4A7C15L + stream * 0xBF58476D1CE4E5B9L;
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
    }

    private static double cosineDecay(PoseTrainingConfig c, long step, long totalSteps) {
        double progress = (double) step / totalSteps;
        return c.finalLearningRate()
                + 0.5 * (c.learningRate() - c.finalLearningRate()) * (1 + StrictMath.cos(Math.PI * progress));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
    }

    private static Path siblingJson(Path model) {
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return model.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".json");
    }

    /** Faces observed once with fixed noise, their features computed once. */
    private record HeldOutSet(
            SyntheticFaces.Face[] faces, float[][] xy, PoseFeatures.Normalization[] norms,
            float[] features, double noisePx) {

        static HeldOutSet observe(SyntheticFaces.Face[] faces, Random noise, double noisePx) {
            float[][] xy = new float[faces.length][];
            PoseFeatures.Normalization[] norms = new PoseFeatures.Normalization[faces.length];
            float[] features = new float[faces.length * PoseFeatures.COUNT];
            for (int i = 0; i < faces.length; i++) {
                xy[i] = faces[i].observe(noise, noisePx).xy();
                norms[i] = PoseFeatures.write(xy[i], faces[i].camera(), features, i * PoseFeatures.COUNT);
            }
            return new HeldOutSet(faces, xy, norms, features, noisePx);
        }

        /** Scores a network that takes raw features and gives raw outputs. */
        PoseAccuracy evaluate(DenseNetwork network) {
            float[] outputs = network.predict(features, faces.length);
            PoseAccuracy.Accumulator acc = new PoseAccuracy.Accumulator(noisePx);
            for (int i = 0; i < faces.length; i++) {
                acc.add(faces[i].pose(), PoseOutputs.decode(outputs, i * PoseOutputs.COUNT, norms[i]));
            }
            return acc.result();
        }
    }

    /** Per-feature and per-target mean and standard deviation, for a well-scaled training problem. */
    private record Standardization(double[] featureMean, double[] featureStd, double[] targetMean, double[] targetStd) {

        static Standardization measure(SyntheticFaces.Face[] faces, Random noise, double maxNoisePx) {
            int f = PoseFeatures.COUNT, o = PoseOutputs.COUNT;
            double[] fSum = new double[f], fSq = new double[f], tSum = new double[o], tSq = new double[o];
            float[] row = new float[f];
            for (SyntheticFaces.Face face : faces) {
                FaceKeypoints observed = face.observe(noise, noise.nextDouble() * maxNoisePx);
                PoseFeatures.Normalization norm = PoseFeatures.write(observed.xy(), face.camera(), row, 0);
                double[] target = PoseOutputs.targets(face.pose(), norm);
                for (int i = 0; i < f; i++) {
                    fSum[i] += row[i];
                    fSq[i] += (double) row[i] * row[i];
                }
                for (int i = 0; i < o; i++) {
                    tSum[i] += target[i];
                    tSq[i] += target[i] * target[i];
                }
            }
            return new Standardization(mean(fSum, faces.length), std(fSum, fSq, faces.length),
                    mean(tSum, faces.length), std(tSum, tSq, faces.length));
        }

        void standardizeFeatures(float[] x, int offset) {
            for (int i = 0; i < featureMean.length; i++) {
                x[offset + i] = (float) ((x[offset + i] - featureMean[i]) / featureStd[i]);
            }
        }

        void standardizeTargets(double[] target, float[] t, int offset) {
            for (int i = 0; i < target.length; i++) {
                t[offset + i] = (float) ((target[i] - targetMean[i]) / targetStd[i]);
            }
        }

        DenseNetwork fold(DenseNetwork net) {
            return net.folded(featureMean, featureStd, targetMean, targetStd);
        }

        private static double[] mean(double[] sum, int n) {
            double[] m = new double[sum.length];
            for (int i = 0; i < m.length; i++) {
                m[i] = sum[i] / n;
            }
            return m;
        }

        private static double[] std(double[] sum, double[] sq, int n) {
            double[] s = new double[sum.length];
            for (int i = 0; i < s.length; i++) {
                double mean = sum[i] / n;
                double sd = Math.sqrt(Math.max(0, sq[i] / n - mean * mean));
                // a constant input carries nothing; leave it unscaled rather than divide by zero
                s[i] = sd > 1e-9 ? sd : 1;
            }
            return s;
        }
    }

    /** The command line. */
    @Command(
            name = "PoseModelTrainer",
            sortOptions = false,
            description = {
                "Trains the " + PoseModelAdapter.MODEL_NAME + " head pose model on synthetic faces and writes it"
                        + " as ONNX, with a JSON summary of its configuration and held-out accuracy beside it."
            })
    private static final class Options {
        @Option(names = "--out", paramLabel = "FILE",
                description = "Model file (default: " + DEFAULT_OUTPUT + " under the repository root).")
        Path out;

        @Option(names = "--metrics", paramLabel = "FILE",
                description = "JSON summary (default: the model file with a .json extension).")
        Path metrics;

        @Option(names = "--seed", paramLabel = "N",
                description = "Seed for data, noise, initial weights and batch order (default: ${DEFAULT-VALUE}).")
        long seed = PoseTrainingConfig.defaults().seed();

        @Option(names = "--samples", paramLabel = "N", description = "Training faces (default: ${DEFAULT-VALUE}).")
        int samples = PoseTrainingConfig.defaults().trainingSamples();

        @Option(names = "--epochs", paramLabel = "N",
                description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
        int epochs = PoseTrainingConfig.defaults().epochs();

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help and exit.")
        boolean help;

        void validate(CommandLine commandLine) {
            if (samples <= 0) {
                throw new ParameterException(commandLine, "--samples must be a positive integer, got " + samples);
            }
            if (epochs <= 0) {
                throw new ParameterException(commandLine, "--epochs must be a positive integer, got " + epochs);
            }
        }

        PoseTrainingConfig config() {
            return PoseTrainingConfig.defaults().withSeed(seed).withTrainingSamples(samples).withEpochs(epochs);
        }
    }
}
