package io.driftless.inference.tfjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftless.inference.vision.ImageInput.TensorLayout;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The converter on a small TF.js graph written here, one of each op YOLOv5's export uses, against
 * the same graph computed by hand in plain loops (NHWC, as TF defines each op).
 */
class TfjsToOnnxConverterTest {

    private static final int H = 4;
    private static final int W = 4;
    private static final int C = 2;
    private static final int K = 3;
    private static final float ALPHA = 0.1f;

    @TempDir
    Path tmp;

    private final Random random = new Random(7);
    private final float[] input = randoms(H * W * C);
    private final float[] filter = randoms(3 * 3 * C * K);
    private final float[] bias = randoms(K);
    private final float[] offsets = randoms(4);

    @Test
    void computesWhatTheGraphComputesInTf() throws Exception {
        Path folder = writeModel(new TinyGraph());
        float[] expected = byHand();

        float[] nhwc = run(convert(folder, TensorLayout.NHWC), input, new long[] {1, H, W, C});
        float[] nchw = run(convert(folder, TensorLayout.NCHW), toNchw(input), new long[] {1, C, H, W});

        assertThat(nhwc).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(nhwc[i]).as("output %d, NHWC input", i).isCloseTo(expected[i], within(1e-5f));
            assertThat(nchw[i]).as("output %d, NCHW input", i).isCloseTo(expected[i], within(1e-5f));
        }
    }

    @Test
    void refusesAnOpItDoesNotKnowNamingItAndTheNode() throws Exception {
        TinyGraph graph = new TinyGraph();
        graph.node("probs", "Softmax", "y");
        graph.output = "probs";
        Path folder = writeModel(graph);

        assertThatThrownBy(() -> convert(folder, TensorLayout.NHWC))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Softmax 'probs' is not supported")
                .hasMessageContaining("_FusedConv2D");
    }

    @Test
    void commandConvertsChecksTheSourceAndExplainsItself() throws Exception {
        Path folder = writeModel(new TinyGraph());
        Path out = tmp.resolve("out").resolve("tiny.onnx");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();

        int code = TfjsToOnnxCommand.run(new String[] {"--in", folder.resolve("model.json").toString(),
            "--out", out.toString(), "--input-layout", "nchw"}, print(stdout), print(stderr));
        assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(run(Files.readAllBytes(out), toNchw(input), new long[] {1, C, H, W})).hasSize(H * W * 4);

        int wrongSum = TfjsToOnnxCommand.run(new String[] {"--in", folder.toString(), "--out", out.toString(),
            "--sha256", "0".repeat(64)}, print(stdout), print(stderr));
        assertThat(wrongSum).isEqualTo(TfjsToOnnxCommand.EXIT_FAILURE);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("is not the model this conversion is pinned to");

        ByteArrayOutputStream help = new ByteArrayOutputStream();
        assertThat(TfjsToOnnxCommand.run(new String[] {"--help"}, print(help), print(stderr))).isZero();
        assertThat(help.toString(StandardCharsets.UTF_8))
                .contains("Usage: TfjsToOnnxCommand", "--in=PATH", "--input-layout=LAYOUT", "--yolov5-pixel-boxes");
        assertThat(TfjsToOnnxCommand.run(new String[] {"--in", "x", "--out", "y", "--input-layout", "chw"},
                print(stdout), print(stderr))).isEqualTo(TfjsToOnnxCommand.EXIT_USAGE);
    }

    /**
     * x [1,4,4,2] -> Pad 1 -> 3x3 conv VALID + bias + LeakyRelu = y [1,4,4,3] -> MaxPool 3x3 stride 2
     * SAME (padded after only) [1,2,2,3] -> ResizeNearestNeighbor to 4x4, half-pixel centres ->
     * ConcatV2 with y on the last axis [1,4,4,6] -> StridedSlice [..., 1:5] -> Square -> Mul 0.5
     * -> Sigmoid -> Reshape [-1,16,4] -> Transpose [0,2,1] -> AddV2 offsets [4,1] -> Identity.
     */
    private float[] byHand() {
        float[] y = new float[H * W * K];
        for (int i = 0; i < H; i++) {
            for (int j = 0; j < W; j++) {
                for (int k = 0; k < K; k++) {
                    float sum = bias[k];
                    for (int di = 0; di < 3; di++) {
                        for (int dj = 0; dj < 3; dj++) {
                            int si = i + di - 1;
                            int sj = j + dj - 1;
                            if (si < 0 || sj < 0 || si >= H || sj >= W) {
                                continue;
                            }
                            for (int c = 0; c < C; c++) {
                                sum += input[(si * W + sj) * C + c] * filter[((di * 3 + dj) * C + c) * K + k];
                            }
                        }
                    }
                    y[(i * W + j) * K + k] = sum >= 0 ? sum : ALPHA * sum;
                }
            }
        }
        float[] pool = new float[2 * 2 * K];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                for (int k = 0; k < K; k++) {
                    float max = Float.NEGATIVE_INFINITY;
                    for (int si = 2 * i; si < Math.min(2 * i + 3, H); si++) {
                        for (int sj = 2 * j; sj < Math.min(2 * j + 3, W); sj++) {
                            max = Math.max(max, y[(si * W + sj) * K + k]);
                        }
                    }
                    pool[(i * 2 + j) * K + k] = max;
                }
            }
        }
        float[] sliced = new float[H * W * 4];
        for (int i = 0; i < H; i++) {
            for (int j = 0; j < W; j++) {
                // TF's half-pixel nearest: source floor((x + 0.5) * in / out)
                int si = (int) Math.floor((i + 0.5) * 2 / H);
                int sj = (int) Math.floor((j + 0.5) * 2 / W);
                float[] cat = new float[2 * K];
                for (int k = 0; k < K; k++) {
                    cat[k] = pool[(si * 2 + sj) * K + k];
                    cat[K + k] = y[(i * W + j) * K + k];
                }
                for (int c = 0; c < 4; c++) {
                    float v = cat[1 + c];
                    sliced[(i * W + j) * 4 + c] = (float) (1 / (1 + Math.exp(-(v * v * 0.5f))));
                }
            }
        }
        // reshaped [1, 16, 4] is the same row-major array; transposed to [1, 4, 16], plus offsets [4, 1]
        float[] out = new float[4 * 16];
        for (int c = 0; c < 4; c++) {
            for (int p = 0; p < 16; p++) {
                out[c * 16 + p] = sliced[p * 4 + c] + offsets[c];
            }
        }
        return out;
    }

    /** The graph {@link #byHand()} computes, as model.json and one weight file. */
    private final class TinyGraph {
        final ObjectMapper json = new ObjectMapper();
        final ArrayNode nodes = json.createArrayNode();
        final ArrayNode weights = json.createArrayNode();
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        String output = "out";

        TinyGraph() {
            ObjectNode x = node("x", "Placeholder");
            x.with("attr").with("dtype").put("type", "DT_FLOAT");
            floatConst("w", filter, 3, 3, C, K);
            floatConst("b", bias, K);
            intConst("paddings", new int[] {0, 0, 1, 1, 1, 1, 0, 0}, 4, 2);
            node("padded", "Pad", "x", "paddings");
            ObjectNode conv = node("y", "_FusedConv2D", "padded", "w", "b");
            string(conv, "padding", "VALID");
            string(conv, "data_format", "NHWC");
            ints(conv, "strides", 1, 1, 1, 1);
            ints(conv, "dilations", 1, 1, 1, 1);
            conv.with("attr").with("num_args").put("i", "1");
            conv.with("attr").with("leakyrelu_alpha").put("f", ALPHA);
            ArrayNode fused = conv.with("attr").with("fused_ops").with("list").putArray("s");
            fused.add(base64("BiasAdd")).add(base64("LeakyRelu"));
            ObjectNode pool = node("pool", "MaxPool", "y");
            string(pool, "padding", "SAME");
            ints(pool, "ksize", 1, 3, 3, 1);
            ints(pool, "strides", 1, 2, 2, 1);
            intConst("size", new int[] {H, W}, 2);
            ObjectNode up = node("up", "ResizeNearestNeighbor", "pool", "size");
            up.with("attr").with("half_pixel_centers").put("b", true);
            up.with("attr").with("align_corners").put("b", false);
            intConst("axis", new int[] {-1});
            node("cat", "ConcatV2", "up", "y", "axis");
            intConst("begin", new int[] {0, 1}, 2);
            intConst("end", new int[] {0, 5}, 2);
            intConst("step", new int[] {1, 1}, 2);
            ObjectNode slice = node("sliced", "StridedSlice", "cat", "begin", "end", "step");
            slice.with("attr").with("ellipsis_mask").put("i", "1");
            node("squared", "Square", "sliced");
            floatConst("half", new float[] {0.5f});
            node("halved", "Mul", "squared", "half");
            node("sigmoid", "Sigmoid", "halved");
            intConst("shape", new int[] {-1, 16, 4}, 3);
            node("reshaped", "Reshape", "sigmoid", "shape");
            intConst("perm", new int[] {0, 2, 1}, 3);
            node("transposed", "Transpose", "reshaped", "perm");
            floatConst("offsets", offsets, 4, 1);
            node("shifted", "AddV2", "transposed", "offsets");
            node("out", "Identity", "shifted");
        }

        ObjectNode node(String name, String op, String... inputs) {
            ObjectNode n = nodes.addObject().put("name", name).put("op", op);
            ArrayNode in = n.putArray("input");
            for (String i : inputs) {
                in.add(i);
            }
            n.putObject("attr");
            return n;
        }

        void floatConst(String name, float[] values, int... shape) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            constant(name, "float32", b.array(), shape);
        }

        void intConst(String name, int[] values, int... shape) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asIntBuffer().put(values);
            constant(name, "int32", b.array(), shape);
        }

        private void constant(String name, String dtype, byte[] bytes, int[] shape) {
            node(name, "Const");
            ObjectNode w = weights.addObject().put("name", name).put("dtype", dtype);
            ArrayNode dims = w.putArray("shape");
            for (int d : shape) {
                dims.add(d);
            }
            data.writeBytes(bytes);
        }

        private void string(ObjectNode node, String attr, String value) {
            node.with("attr").with(attr).put("s", base64(value));
        }

        private void ints(ObjectNode node, String attr, int... values) {
            ArrayNode list = node.with("attr").with(attr).with("list").putArray("i");
            for (int v : values) {
                list.add(Integer.toString(v));
            }
        }

        private String base64(String s) {
            return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    private Path writeModel(TinyGraph graph) throws Exception {
        ObjectMapper json = graph.json;
        ObjectNode root = json.createObjectNode().put("format", "graph-model");
        root.putObject("modelTopology").set("node", graph.nodes);
        ObjectNode signature = root.putObject("signature");
        signature.putObject("inputs").putObject("x").put("name", "x:0").putObject("tensorShape")
                .set("dim", dims(json, 1, H, W, C));
        signature.putObject("outputs").putObject("result").put("name", graph.output + ":0")
                .putObject("tensorShape").set("dim", dims(json, 1, 4, 16));
        ObjectNode group = root.putArray("weightsManifest").addObject();
        group.putArray("paths").add("group1-shard1of1.bin");
        group.set("weights", graph.weights);
        Path folder = Files.createDirectories(tmp.resolve("tiny"));
        Files.write(folder.resolve("group1-shard1of1.bin"), graph.data.toByteArray());
        Files.writeString(folder.resolve("model.json"), json.writeValueAsString(root));
        return folder;
    }

    private static ArrayNode dims(ObjectMapper json, int... sizes) {
        ArrayNode dims = json.createArrayNode();
        for (int s : sizes) {
            dims.addObject().put("size", Integer.toString(s));
        }
        return dims;
    }

    private static byte[] convert(Path folder, TensorLayout layout) throws Exception {
        return TfjsToOnnxConverter.convert(TfjsGraphModel.read(folder), "tiny", Map.of(),
                new TfjsToOnnxConverter.Options(layout, false));
    }

    private static float[] run(byte[] onnx, float[] x, long[] shape) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx);
                OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                OrtSession.Result result = session.run(Map.of("x", in))) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] values = new float[out.remaining()];
            out.get(values);
            return values;
        }
    }

    private static float[] toNchw(float[] nhwc) {
        float[] out = new float[nhwc.length];
        for (int i = 0; i < H; i++) {
            for (int j = 0; j < W; j++) {
                for (int c = 0; c < C; c++) {
                    out[(c * H + i) * W + j] = nhwc[(i * W + j) * C + c];
                }
            }
        }
        return out;
    }

    private float[] randoms(int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static org.assertj.core.data.Offset<Float> within(float tolerance) {
        return org.assertj.core.data.Offset.offset(tolerance);
    }

    private static PrintStream print(ByteArrayOutputStream out) {
        return new PrintStream(out, true, StandardCharsets.UTF_8);
    }
}
