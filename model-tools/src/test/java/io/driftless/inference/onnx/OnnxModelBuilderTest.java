package io.driftless.inference.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.driftless.inference.onnx.proto.Onnx.ModelProto;
import io.driftless.inference.onnx.proto.Onnx.TensorProto.DataType;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OnnxModelBuilderTest {

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    @Test
    void gemmReluModelBuiltInJavaComputesWhatTheJavaMathDoes() throws OrtException {
        Random random = new Random(11);
        int rows = 5, in = 4, out = 3;
        float[] w = randomFloats(random, in * out), b = randomFloats(random, out), x = randomFloats(random, rows * in);
        byte[] model = OnnxModelBuilder.forGraph("gemm_relu")
                .input("x", DataType.FLOAT, OnnxModelBuilder.BATCH, in)
                .initializer("w", w, in, out)
                .initializer("b", b, out)
                .node("Gemm", List.of("x", "w", "b"), List.of("z"))
                .node("Relu", List.of("z"), List.of("y"))
                .output("y", DataType.FLOAT, OnnxModelBuilder.BATCH, out)
                .toByteArray();

        float[] actual = run(model, "x", x, rows, in, "y");

        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < out; j++) {
                float z = b[j];
                for (int i = 0; i < in; i++) {
                    z += x[r * in + i] * w[i * out + j];
                }
                assertThat(actual[r * out + j]).as("y[%d][%d]", r, j).isCloseTo(Math.max(0, z), within(1e-5f));
            }
        }
    }

    @Test
    void attributesReachTheRuntime() throws OrtException {
        // y = 2 * x * transpose(w), with w stored [out, in]
        float[] w = {1, 2, 3, 4, 5, 6};
        byte[] model = OnnxModelBuilder.forGraph("scaled_gemm")
                .input("x", DataType.FLOAT, OnnxModelBuilder.BATCH, 3)
                .initializer("w", w, 2, 3)
                .node("Gemm", List.of("x", "w"), List.of("y"),
                        OnnxModelBuilder.floatAttribute("alpha", 2f), OnnxModelBuilder.intAttribute("transB", 1))
                .output("y", DataType.FLOAT, OnnxModelBuilder.BATCH, 2)
                .toByteArray();

        assertThat(run(model, "x", new float[] {1, 1, 1}, 1, 3, "y")).containsExactly(12f, 30f);
    }

    @Test
    void batchDimensionStaysSymbolicSoAnyBatchSizeRuns() throws OrtException {
        byte[] model = identityModel();
        try (OrtSession session = ENV.createSession(model, new OrtSession.SessionOptions())) {
            TensorInfo info = (TensorInfo) session.getInputInfo().get("x").getInfo();
            assertThat(info.getShape()).containsExactly(-1, 2);
        }
        assertThat(run(model, "x", new float[] {1, 2}, 1, 2, "y")).containsExactly(1, 2);
        assertThat(run(model, "x", new float[] {1, 2, 3, 4, 5, 6}, 3, 2, "y")).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void modelCarriesOpsetProducerAndMetadata() throws Exception {
        byte[] bytes = OnnxModelBuilder.forGraph("identity")
                .opset(13)
                .producer("driftless test", "7")
                .metadata("purpose", "testing")
                .input("x", DataType.FLOAT, OnnxModelBuilder.BATCH, 2)
                .node("Identity", List.of("x"), List.of("y"))
                .output("y", DataType.FLOAT, OnnxModelBuilder.BATCH, 2)
                .toByteArray();

        ModelProto model = ModelProto.parseFrom(bytes);
        assertThat(model.getOpsetImport(0).getVersion()).isEqualTo(13);
        assertThat(model.getIrVersion()).isEqualTo(8);
        assertThat(model.getGraph().getNode(0).getName()).isEqualTo("Identity_0");
        try (OrtSession session = ENV.createSession(bytes, new OrtSession.SessionOptions())) {
            assertThat(session.getMetadata().getProducerName()).isEqualTo("driftless test");
            assertThat(session.getMetadata().getCustomMetadata()).containsEntry("purpose", "testing");
        }
    }

    @Test
    void int64InitializersFeedShapeInputs() throws OrtException {
        byte[] model = OnnxModelBuilder.forGraph("reshape")
                .input("x", DataType.FLOAT, OnnxModelBuilder.BATCH, 4)
                .initializer("shape", new long[] {-1, 2}, 2)
                .node("Reshape", List.of("x", "shape"), List.of("y"))
                .output("y", DataType.FLOAT, OnnxModelBuilder.BATCH, 2)
                .toByteArray();

        assertThat(run(model, "x", new float[] {1, 2, 3, 4}, 1, 4, "y")).containsExactly(1, 2, 3, 4);
    }

    @Test
    void rejectsANodeThatReadsAValueNothingProduces() {
        OnnxModelBuilder builder = OnnxModelBuilder.forGraph("g")
                .input("x", DataType.FLOAT, OnnxModelBuilder.BATCH, 2);

        assertThatThrownBy(() -> builder.node("Add", List.of("x", "bias"), List.of("y")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Add node reads 'bias', which is no input, initializer or earlier node output;"
                        + " add what produces it first");
    }

    @Test
    void rejectsAValueNameUsedTwice() {
        OnnxModelBuilder builder = OnnxModelBuilder.forGraph("g")
                .input("x", DataType.FLOAT, OnnxModelBuilder.BATCH, 2);

        assertThatThrownBy(() -> builder.node("Relu", List.of("x"), List.of("x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Relu output 'x' reuses a name already in the graph");
    }

    @Test
    void rejectsAnInitializerWhoseValuesDoNotFillItsShape() {
        assertThatThrownBy(() -> OnnxModelBuilder.forGraph("g").initializer("w", new float[5], 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("initializer 'w' has 5 values but shape [2, 3] holds 6");
    }

    @Test
    void rejectsAnOpsetOutsideTheSupportedRange() {
        assertThatThrownBy(() -> OnnxModelBuilder.forGraph("g").opset(99))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("opset must be between 7 and 22, got 99");
    }

    @Test
    void buildFailsWhenADeclaredOutputIsNeverProduced() {
        OnnxModelBuilder builder = OnnxModelBuilder.forGraph("g")
                .input("x", DataType.FLOAT, OnnxModelBuilder.BATCH, 2)
                .output("y", DataType.FLOAT, OnnxModelBuilder.BATCH, 2);

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("output 'y' is produced by no node, input or initializer of graph 'g'");
    }

    private static byte[] identityModel() {
        return OnnxModelBuilder.forGraph("identity")
                .input("x", DataType.FLOAT, OnnxModelBuilder.BATCH, 2)
                .node("Identity", List.of("x"), List.of("y"))
                .output("y", DataType.FLOAT, OnnxModelBuilder.BATCH, 2)
                .toByteArray();
    }

    private static float[] run(byte[] model, String input, float[] x, int rows, int cols, String output)
            throws OrtException {
        try (OrtSession session = ENV.createSession(model, new OrtSession.SessionOptions());
                OnnxTensor tensor = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(x), new long[] {rows, cols});
                OrtSession.Result result = session.run(Map.of(input, tensor))) {
            FloatBuffer y = ((OnnxTensor) result.get(output).orElseThrow()).getFloatBuffer();
            float[] values = new float[y.remaining()];
            y.get(values);
            return values;
        }
    }

    private static float[] randomFloats(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
