package io.driftless.inference.tflite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.flatbuffers.FlatBufferBuilder;
import io.driftless.inference.ModelFiles;
import io.driftless.inference.onnx.ConvertedModelFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfliteToOnnxConverterTest {

    private static final String SOURCE_SHA256 = "3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633";

    @TempDir
    Path tmp;

    @Test
    void regeneratesTheShippedModelByteForByte() throws Exception {
        Path source = tmp.resolve("face_detection_short_range.tflite");
        Files.write(source, ModelFiles.read(ModelFiles.CLASSPATH + TfliteToOnnxEquivalenceTest.TFLITE));
        Path converted = tmp.resolve("converted.onnx");

        int code = TfliteToOnnxCommand.run(new String[] {
            "--in", source.toString(), "--out", converted.toString(), "--sha256", SOURCE_SHA256
        }, quiet(), quiet());

        assertThat(code).isZero();
        assertThat(Files.readAllBytes(converted))
                .as("a fresh conversion of the shipped .tflite equals the shipped .onnx; if the converter"
                        + " changed on purpose, run bin/regenerate-face-model")
                .isEqualTo(ModelFiles.read(ModelFiles.CLASSPATH + TfliteToOnnxEquivalenceTest.ONNX));
    }

    @Test
    void shippedFilesMatchTheirRecordedChecksums() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "models", "face", "SHA256SUMS"));
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            String[] parts = line.split(" +");
            byte[] file = ModelFiles.read(ModelFiles.CLASSPATH + "models/face/" + parts[1]);
            assertThat(ConvertedModelFile.sha256(file)).as("SHA-256 of %s", parts[1]).isEqualTo(parts[0]);
        }
        assertThat(lines.get(0)).startsWith(SOURCE_SHA256);
    }

    @Test
    void refusesASourceWithAnotherChecksum() throws Exception {
        Path source = tmp.resolve("face_detection_short_range.tflite");
        Files.write(source, ModelFiles.read(ModelFiles.CLASSPATH + TfliteToOnnxEquivalenceTest.TFLITE));
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = TfliteToOnnxCommand.run(new String[] {
            "--in", source.toString(), "--out", tmp.resolve("x.onnx").toString(), "--sha256", "0".repeat(64)
        }, quiet(), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(TfliteToOnnxCommand.EXIT_FAILURE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("has SHA-256 " + SOURCE_SHA256);
        assertThat(tmp.resolve("x.onnx")).doesNotExist();
    }

    @Test
    void printsUsageAndRejectsMissingArguments() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        assertThat(TfliteToOnnxCommand.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                quiet())).isZero();
        assertThat(TfliteToOnnxCommand.run(new String[] {"--in", "a.tflite"}, quiet(),
                new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(TfliteToOnnxCommand.EXIT_USAGE);

        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: TfliteToOnnxCommand", "--in=FILE", "--sha256=HEX");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Missing required option: '--out=FILE'");
    }

    @Test
    void rejectsBytesThatAreNoTfliteModel() {
        assertThatThrownBy(() -> TfliteToOnnxConverter.convert(
                        "definitely not a model".getBytes(StandardCharsets.UTF_8), "g", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a TFLite model");
    }

    @Test
    void failsOnCorruptFilesWithAnIllegalArgumentOnly() {
        byte[] original = ModelFiles.read(ModelFiles.CLASSPATH + TfliteToOnnxEquivalenceTest.TFLITE);
        Random random = new Random(42);
        for (int trial = 0; trial < 150; trial++) {
            byte[] corrupt = trial % 3 == 0
                    ? Arrays.copyOf(original, random.nextInt(original.length))
                    : original.clone();
            if (trial % 3 != 0) {
                // the structure (vtables, offsets, vectors) lives mostly outside the weights at the start
                for (int flips = 0; flips < 4; flips++) {
                    int at = random.nextBoolean() ? random.nextInt(4096) : original.length - 1 - random.nextInt(16384);
                    corrupt[at] = (byte) random.nextInt(256);
                }
            }
            try {
                TfliteToOnnxConverter.convert(corrupt, "g", Map.of());
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage()).as("trial %d", trial).isNotBlank();
            }
        }
    }

    @Test
    void namesTheOperatorItCannotConvert() {
        byte[] softmax = singleOperatorModel(25);

        assertThatThrownBy(() -> TfliteToOnnxConverter.convert(softmax, "g", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("operator 0 (SOFTMAX) is not supported");
    }

    @Test
    void namesOperatorsBeyondTheOriginalCodeRange() {
        byte[] gelu = singleOperatorModel(150);

        assertThatThrownBy(() -> TfliteToOnnxConverter.convert(gelu, "g", Map.of()))
                .hasMessageContaining("operator 0 (builtin operator 150) is not supported");
    }

    @Test
    void convertsAModelBuiltHereAsTheReferenceRuntimeRunsIt() throws Exception {
        byte[] relu = singleOperatorModel(19);
        float[] x = {-2f, -0.5f, 0.5f, 3f};
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (TfliteReferenceRuntime reference = new TfliteReferenceRuntime(relu);
                OrtSession session = env.createSession(TfliteToOnnxConverter.convert(relu, "relu", Map.of()));
                OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 4});
                OrtSession.Result result = session.run(Map.of("x", input))) {
            float[] y = new float[4];
            ((OnnxTensor) result.get("y").orElseThrow()).getFloatBuffer().get(y);
            assertThat(reference.run(x).get("y")).containsExactly(0f, 0f, 0.5f, 3f);
            assertThat(y).containsExactly(0f, 0f, 0.5f, 3f);
        }
    }

    /** A model x[1,4] -> op -> y[1,4], with the opcode in both the old byte field and the int field. */
    private static byte[] singleOperatorModel(int builtinCode) {
        FlatBufferBuilder b = new FlatBufferBuilder();
        int x = tensor(b, "x", 1);
        int y = tensor(b, "y", 2);
        int tensors = b.createVectorOfTables(new int[] {x, y});
        int opInputs = intVector(b, 0);
        int opOutputs = intVector(b, 1);
        b.startTable(3);
        b.addInt(0, 0, -1);
        b.addOffset(1, opInputs, 0);
        b.addOffset(2, opOutputs, 0);
        int op = b.endTable();
        int operators = b.createVectorOfTables(new int[] {op});
        int graphInputs = intVector(b, 0);
        int graphOutputs = intVector(b, 1);
        b.startTable(4);
        b.addOffset(0, tensors, 0);
        b.addOffset(1, graphInputs, 0);
        b.addOffset(2, graphOutputs, 0);
        b.addOffset(3, operators, 0);
        int graph = b.endTable();
        int graphs = b.createVectorOfTables(new int[] {graph});
        b.startTable(4);
        b.addByte(0, (byte) Math.min(builtinCode, 127), -1);
        b.addInt(2, 1, 0);
        b.addInt(3, builtinCode, -1);
        int code = b.endTable();
        int codes = b.createVectorOfTables(new int[] {code});
        int[] bufferTables = new int[3];
        for (int i = 0; i < bufferTables.length; i++) {
            b.startTable(1);
            bufferTables[i] = b.endTable();
        }
        int buffers = b.createVectorOfTables(bufferTables);
        b.startTable(5);
        b.addInt(0, 3, 0);
        b.addOffset(1, codes, 0);
        b.addOffset(2, graphs, 0);
        b.addOffset(4, buffers, 0);
        int model = b.endTable();
        b.finish(model, "TFL3");
        return b.sizedByteArray();
    }

    private static int tensor(FlatBufferBuilder b, String name, int buffer) {
        int nameOffset = b.createString(name);
        int shape = intVector(b, 1, 4);
        b.startTable(4);
        b.addOffset(0, shape, 0);
        b.addByte(1, (byte) 0, -1);
        b.addInt(2, buffer, -1);
        b.addOffset(3, nameOffset, 0);
        return b.endTable();
    }

    private static int intVector(FlatBufferBuilder b, int... values) {
        b.startVector(Integer.BYTES, values.length, Integer.BYTES);
        for (int i = values.length - 1; i >= 0; i--) {
            b.addInt(values[i]);
        }
        return b.endVector();
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
