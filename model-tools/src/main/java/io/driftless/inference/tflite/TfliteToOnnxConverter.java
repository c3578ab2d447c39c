package io.driftless.inference.tflite;

import static io.driftless.inference.onnx.OnnxModelBuilder.floatAttribute;
import static io.driftless.inference.onnx.OnnxModelBuilder.intAttribute;
import static io.driftless.inference.onnx.OnnxModelBuilder.intsAttribute;

import io.driftless.inference.onnx.OnnxModelBuilder;
import io.driftless.inference.onnx.proto.Onnx.TensorProto.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Converts a TFLite model of convolutional operators to an ONNX model that computes the same.
 *
 * <p>Supported: ADD, CONCATENATION, CONV_2D, DEPTHWISE_CONV_2D, DEQUANTIZE (of constant FLOAT16
 * weights, folded into FLOAT32 initializers), MAX_POOL_2D, PAD, RELU, RESHAPE, with the fused
 * activations NONE, RELU, RELU6, RELU_N1_TO_1 and TANH, and TFLite's SAME/VALID padding. Any other
 * operator, a quantized or non-float activation, or a batch-changing reshape fails the conversion
 * with a message that names it.
 *
 * <p>Layout: TFLite computes images NHWC, ONNX Runtime's convolutions NCHW. Inside the ONNX graph
 * every rank-4 tensor is NCHW (weights are transposed once, at conversion); the graph's inputs and
 * outputs keep the TFLite names and NHWC layout, so a caller feeds both models the same buffer.
 * Their first dimension becomes a symbolic batch dimension, so the ONNX model runs batches.
 */
public final class TfliteToOnnxConverter {

    private static final long[] NHWC_TO_NCHW = {0, 3, 1, 2};
    private static final long[] NCHW_TO_NHWC = {0, 2, 3, 1};
    /** Where each NHWC axis sits in NCHW. */
    private static final long[] NHWC_TO_NCHW_AXIS = {0, 2, 3, 1};

    // TFLite builtin operator codes
    private static final int ADD = 0;
    private static final int CONCATENATION = 2;
    private static final int CONV_2D = 3;
    private static final int DEPTHWISE_CONV_2D = 4;
    private static final int DEQUANTIZE = 6;
    private static final int MAX_POOL_2D = 17;
    private static final int RELU = 19;
    private static final int RESHAPE = 22;
    private static final int PAD = 34;

    private final TfliteModel model;
    private final OnnxModelBuilder onnx;
    /** TFLite tensor index to the ONNX value holding it, for tensors computed at run time. */
    private final Map<Integer, String> values = new HashMap<>();
    /** TFLite tensor index to its FLOAT32 contents, for weights (including dequantized ones). */
    private final Map<Integer, float[]> constants = new HashMap<>();
    private int generated;

    private TfliteToOnnxConverter(TfliteModel model, OnnxModelBuilder onnx) {
        this.model = model;
        this.onnx = onnx;
    }

    /**
     * Converts {@code tflite} (the bytes of a {@code .tflite} file) to the bytes of an ONNX model
     * with the given graph name and metadata.
     *
     * @throws IllegalArgumentException if the file is no TFLite model or uses something unsupported
     */
    public static byte[] convert(byte[] tflite, String graphName, Map<String, String> metadata) {
        TfliteModel model = TfliteModel.read(tflite);
        OnnxModelBuilder onnx = OnnxModelBuilder.forGraph(graphName)
                .docString("Converted from TFLite by driftless. Inputs and outputs keep the TFLite model's"
                        + " names and layout (images NHWC); their first dimension is the batch.");
        metadata.forEach(onnx::metadata);
        TfliteToOnnxConverter converter = new TfliteToOnnxConverter(model, onnx);
        converter.convertGraph();
        return onnx.toByteArray();
    }

    private void convertGraph() {
        for (int index : model.inputs()) {
            TfliteTensor t = model.tensor(index);
            requireFloatActivation(t, "graph input");
            onnx.input(t.name(), DataType.FLOAT, batchedDims(t));
            values.put(index, t.rank() == 4 ? transpose(t.name(), NHWC_TO_NCHW) : t.name());
        }
        for (TfliteTensor t : model.tensors()) {
            if (t.isConstant() && (t.type() == TensorType.FLOAT32)) {
                constants.put(t.index(), t.floats());
            }
        }
        for (TfliteOperator op : model.operators()) {
            convert(op);
        }
        for (int index : model.outputs()) {
            TfliteTensor t = model.tensor(index);
            String value = value(index, "graph output");
            if (t.rank() == 4) {
                onnx.node("Transpose", List.of(value), List.of(t.name()), intsAttribute("perm", NCHW_TO_NHWC));
            } else {
                onnx.node("Identity", List.of(value), List.of(t.name()));
            }
            onnx.output(t.name(), DataType.FLOAT, batchedDims(t));
        }
    }

    private void convert(TfliteOperator op) {
        switch (op.code()) {
            case DEQUANTIZE -> dequantize(op);
            case CONV_2D -> conv(op, false);
            case DEPTHWISE_CONV_2D -> conv(op, true);
            case ADD -> add(op);
            case RELU -> define(op, 0, activationNode("Relu", activationInput(op, 0)));
            case PAD -> pad(op);
            case RESHAPE -> reshape(op);
            case MAX_POOL_2D -> maxPool(op);
            case CONCATENATION -> concatenation(op);
            default -> throw new IllegalArgumentException(op.describe() + " is not supported by this converter"
                    + " (supported: ADD, CONCATENATION, CONV_2D, DEPTHWISE_CONV_2D, DEQUANTIZE, MAX_POOL_2D,"
                    + " PAD, RELU, RESHAPE)");
        }
    }

    /** fp16 weights widened to fp32 at conversion: the ONNX graph holds plain FLOAT32 initializers. */
    private void dequantize(TfliteOperator op) {
        TfliteTensor in = model.tensor(op.inputs()[0]);
        if (!in.isConstant() || in.type() != TensorType.FLOAT16) {
            throw new IllegalArgumentException(op.describe() + " reads " + in.describe()
                    + "; only DEQUANTIZE of constant FLOAT16 weights is supported");
        }
        constants.put(op.outputs()[0], in.floats());
    }

    // Conv2DOptions: padding, stride_w, stride_h, fused_activation_function, dilation_w, dilation_h
    // DepthwiseConv2DOptions: padding, stride_w, stride_h, depth_multiplier, fused_activation_function,
    //                         dilation_w, dilation_h
    private void conv(TfliteOperator op, boolean depthwise) {
        TfliteTensor x = model.tensor(op.inputs()[0]);
        TfliteTensor w = model.tensor(op.inputs()[1]);
        TfliteTensor out = model.tensor(op.outputs()[0]);
        requireRank(op, x, 4);
        requireRank(op, w, 4);
        FlatTable o = requireOptions(op);
        boolean valid = o.byteField(0, 0) == 1;
        int strideW = o.intField(1, 1);
        int strideH = o.intField(2, 1);
        int activation = o.byteField(depthwise ? 4 : 3, 0);
        int dilationW = o.intField(depthwise ? 5 : 4, 1);
        int dilationH = o.intField(depthwise ? 6 : 5, 1);
        int[] ws = w.shape();
        int kh = ws[1];
        int kw = ws[2];
        int inChannels = x.shape()[3];
        float[] weights = weights(op, op.inputs()[1]);
        String wName = nextName("w");
        int outChannels;
        int group;
        if (depthwise) {
            // TFLite [1, KH, KW, C*M] -> ONNX [C*M, 1, KH, KW], one group per input channel
            outChannels = ws[3];
            group = inChannels;
            onnx.initializer(wName, transpose4(weights, ws, new int[] {3, 0, 1, 2}), outChannels, 1, kh, kw);
        } else {
            // TFLite OHWI -> ONNX OIHW
            outChannels = ws[0];
            group = 1;
            if (ws[3] != inChannels) {
                throw new IllegalArgumentException(op.describe() + ": weights " + Arrays.toString(ws)
                        + " do not match " + inChannels + " input channels");
            }
            onnx.initializer(wName, transpose4(weights, ws, new int[] {0, 3, 1, 2}), outChannels, inChannels, kh, kw);
        }
        List<String> inputs = new ArrayList<>(List.of(activationInput(op, 0), wName));
        if (op.inputs().length > 2 && op.inputs()[2] >= 0) {
            float[] bias = weights(op, op.inputs()[2]);
            String bName = nextName("b");
            onnx.initializer(bName, bias, bias.length);
            inputs.add(bName);
        }
        int[] padH = padding(op, valid, x.shape()[1], kh, strideH, dilationH, out.shape()[1]);
        int[] padW = padding(op, valid, x.shape()[2], kw, strideW, dilationW, out.shape()[2]);
        String conv = nextName("conv");
        onnx.node("Conv", inputs, List.of(conv),
                intsAttribute("kernel_shape", kh, kw),
                intsAttribute("strides", strideH, strideW),
                intsAttribute("dilations", dilationH, dilationW),
                intsAttribute("pads", padH[0], padW[0], padH[1], padW[1]),
                intAttribute("group", group));
        define(op, 0, fusedActivation(op, activation, conv));
    }

    // Pool2DOptions: padding, stride_w, stride_h, filter_width, filter_height, fused_activation_function
    private void maxPool(TfliteOperator op) {
        TfliteTensor x = model.tensor(op.inputs()[0]);
        TfliteTensor out = model.tensor(op.outputs()[0]);
        requireRank(op, x, 4);
        FlatTable o = requireOptions(op);
        boolean valid = o.byteField(0, 0) == 1;
        int strideW = o.intField(1, 1);
        int strideH = o.intField(2, 1);
        int kw = o.intField(3, 1);
        int kh = o.intField(4, 1);
        int[] padH = padding(op, valid, x.shape()[1], kh, strideH, 1, out.shape()[1]);
        int[] padW = padding(op, valid, x.shape()[2], kw, strideW, 1, out.shape()[2]);
        String pool = nextName("maxpool");
        // ONNX MaxPool ignores padded cells, as TFLite's does
        onnx.node("MaxPool", List.of(activationInput(op, 0)), List.of(pool),
                intsAttribute("kernel_shape", kh, kw),
                intsAttribute("strides", strideH, strideW),
                intsAttribute("pads", padH[0], padW[0], padH[1], padW[1]));
        define(op, 0, fusedActivation(op, o.byteField(5, 0), pool));
    }

    // AddOptions: fused_activation_function
    private void add(TfliteOperator op) {
        TfliteTensor out = model.tensor(op.outputs()[0]);
        String a = addOperand(op, 0, out.rank());
        String b = addOperand(op, 1, out.rank());
        String sum = nextName("add");
        onnx.node("Add", List.of(a, b), List.of(sum));
        FlatTable o = op.options();
        define(op, 0, fusedActivation(op, o == null ? 0 : o.byteField(0, 0), sum));
    }

    /** An ADD operand: an activation, or a constant laid out to broadcast against NCHW like NHWC. */
    private String addOperand(TfliteOperator op, int input, int outRank) {
        int index = op.inputs()[input];
        if (!constants.containsKey(index)) {
            return activationInput(op, input);
        }
        TfliteTensor t = model.tensor(index);
        float[] c = constants.get(index);
        String name = nextName("const");
        if (outRank == 4 && t.rank() == 4) {
            onnx.initializer(name, transpose4(c, t.shape(), new int[] {0, 3, 1, 2}),
                    t.shape()[0], t.shape()[3], t.shape()[1], t.shape()[2]);
        } else if (outRank == 4 && t.rank() == 1) {
            // per-channel [C] broadcasts over NHWC's last axis; over NCHW it needs [C, 1, 1]
            onnx.initializer(name, c, c.length, 1, 1);
        } else if (t.rank() == 0 || outRank != 4) {
            onnx.initializer(name, c, toLongs(t.shape()));
        } else {
            throw new IllegalArgumentException(op.describe() + " adds " + t.describe()
                    + " to a rank-4 tensor; only scalar, per-channel or full rank-4 constants are supported");
        }
        return name;
    }

    private void pad(TfliteOperator op) {
        TfliteTensor x = model.tensor(op.inputs()[0]);
        TfliteTensor paddings = model.tensor(op.inputs()[1]);
        if (!paddings.isConstant()) {
            throw new IllegalArgumentException(op.describe() + " takes its paddings from a computed tensor;"
                    + " only constant paddings are supported");
        }
        long[] p = paddings.longs();
        int rank = x.rank();
        if (p.length != rank * 2) {
            throw new IllegalArgumentException(op.describe() + ": paddings " + paddings.describe()
                    + " do not fit an input of rank " + rank);
        }
        if (p[0] != 0 || p[1] != 0) {
            throw new IllegalArgumentException(op.describe() + " pads the batch dimension, which is not supported");
        }
        // TFLite: [[begin, end] per NHWC axis]; ONNX: [begins..., ends...] per NCHW axis
        long[] pads = new long[rank * 2];
        for (int onnxAxis = 0; onnxAxis < rank; onnxAxis++) {
            int tfliteAxis = rank == 4 ? (int) NHWC_TO_NCHW[onnxAxis] : onnxAxis;
            pads[onnxAxis] = p[2 * tfliteAxis];
            pads[rank + onnxAxis] = p[2 * tfliteAxis + 1];
        }
        String padsName = nextName("pads");
        onnx.initializer(padsName, pads, pads.length);
        String padded = nextName("pad");
        onnx.node("Pad", List.of(activationInput(op, 0), padsName), List.of(padded),
                OnnxModelBuilder.stringAttribute("mode", "constant"));
        define(op, 0, padded);
    }

    /**
     * TFLite reshapes in NHWC element order: back to NHWC, reshape, and forward to NCHW again if the
     * result is rank 4. The target shape is the output tensor's, with its batch left to the runtime.
     */
    private void reshape(TfliteOperator op) {
        TfliteTensor x = model.tensor(op.inputs()[0]);
        TfliteTensor out = model.tensor(op.outputs()[0]);
        if (x.rank() == 0 || out.rank() == 0 || x.shape()[0] != 1 || out.shape()[0] != 1) {
            throw new IllegalArgumentException(op.describe() + " reshapes " + x.describe() + " to "
                    + out.describe() + "; only reshapes that keep a leading batch dimension of 1 are supported");
        }
        String in = activationInput(op, 0);
        if (x.rank() == 4) {
            in = transpose(in, NCHW_TO_NHWC);
        }
        long[] shape = toLongs(out.shape());
        shape[0] = -1;
        String shapeName = nextName("shape");
        onnx.initializer(shapeName, shape, shape.length);
        String reshaped = nextName("reshape");
        onnx.node("Reshape", List.of(in, shapeName), List.of(reshaped));
        define(op, 0, out.rank() == 4 ? transpose(reshaped, NHWC_TO_NCHW) : reshaped);
    }

    // ConcatenationOptions: axis, fused_activation_function
    private void concatenation(TfliteOperator op) {
        TfliteTensor out = model.tensor(op.outputs()[0]);
        FlatTable o = requireOptions(op);
        int axis = o.intField(0, 0);
        int rank = out.rank();
        if (axis < 0) {
            axis += rank;
        }
        if (axis == 0) {
            throw new IllegalArgumentException(op.describe() + " concatenates along the batch axis, which is"
                    + " not supported");
        }
        int onnxAxis = rank == 4 ? (int) NHWC_TO_NCHW_AXIS[axis] : axis;
        String[] inputs = new String[op.inputs().length];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = activationInput(op, i);
        }
        String concat = nextName("concat");
        onnx.node("Concat", List.of(inputs), List.of(concat), intAttribute("axis", onnxAxis));
        define(op, 0, fusedActivation(op, o.byteField(1, 0), concat));
    }

    /**
     * TFLite's padding: SAME pads so that out = ceil(in / stride), the odd cell at the end;
     * VALID pads nothing. Checks the result against the output shape the file declares.
     */
    private static int[] padding(
            TfliteOperator op, boolean valid, int in, int kernel, int stride, int dilation, int declaredOut) {
        int effective = (kernel - 1) * dilation + 1;
        int out = valid ? (in - effective + stride) / stride : (in + stride - 1) / stride;
        if (out != declaredOut) {
            throw new IllegalArgumentException(op.describe() + ": " + (valid ? "VALID" : "SAME") + " padding of "
                    + in + " cells with kernel " + kernel + ", stride " + stride + " gives " + out
                    + ", but the model declares " + declaredOut);
        }
        int total = Math.max((out - 1) * stride + effective - in, 0);
        return new int[] {total / 2, total - total / 2};
    }

    private String fusedActivation(TfliteOperator op, int activation, String input) {
        return switch (activation) {
            case 0 -> input;
            case 1 -> activationNode("Relu", input);
            case 2 -> clip(input, -1f, 1f);
            case 3 -> clip(input, 0f, 6f);
            case 4 -> activationNode("Tanh", input);
            default -> throw new IllegalArgumentException(op.describe() + " has fused activation " + activation
                    + " (ActivationFunctionType); supported: NONE, RELU, RELU_N1_TO_1, RELU6, TANH");
        };
    }

    private String activationNode(String opType, String input) {
        String name = nextName(opType.toLowerCase(Locale.ROOT));
        onnx.node(opType, List.of(input), List.of(name));
        return name;
    }

    private String clip(String input, float min, float max) {
        String lo = nextName("min");
        String hi = nextName("max");
        onnx.initializer(lo, new float[] {min});
        onnx.initializer(hi, new float[] {max});
        String name = nextName("clip");
        onnx.node("Clip", List.of(input, lo, hi), List.of(name));
        return name;
    }

    private String transpose(String input, long[] perm) {
        String name = nextName("transpose");
        onnx.node("Transpose", List.of(input), List.of(name), intsAttribute("perm", perm));
        return name;
    }

    /** The ONNX value of an operator's run-time input, checking it is a float activation. */
    private String activationInput(TfliteOperator op, int input) {
        int index = op.inputs()[input];
        TfliteTensor t = model.tensor(index);
        requireFloatActivation(t, op.describe() + " input " + input);
        return value(index, op.describe() + " input " + input);
    }

    private String value(int index, String what) {
        String value = values.get(index);
        if (value == null) {
            TfliteTensor t = model.tensor(index);
            throw new IllegalArgumentException(what + " reads " + t.describe() + (t.isConstant()
                    ? ", a constant where a computed tensor is expected; this is not supported"
                    : ", which no earlier operator computes"));
        }
        return value;
    }

    private float[] weights(TfliteOperator op, int index) {
        float[] w = constants.get(index);
        if (w == null) {
            throw new IllegalArgumentException(op.describe() + " takes weights from " + model.tensor(index).describe()
                    + ", which is not constant FLOAT32 (or DEQUANTIZEd FLOAT16); computed weights are not supported");
        }
        return w;
    }

    private void define(TfliteOperator op, int output, String value) {
        values.put(op.outputs()[output], value);
    }

    private String nextName(String kind) {
        return kind + "_" + generated++;
    }

    private static void requireFloatActivation(TfliteTensor t, String what) {
        if (t.type() != TensorType.FLOAT32 || t.quantized()) {
            throw new IllegalArgumentException(what + " is " + t.describe() + (t.quantized() ? " (quantized)" : "")
                    + "; only FLOAT32 activations are supported");
        }
    }

    private static void requireRank(TfliteOperator op, TfliteTensor t, int rank) {
        if (t.rank() != rank) {
            throw new IllegalArgumentException(op.describe() + " needs a rank-" + rank + " tensor, got " + t.describe());
        }
    }

    private static FlatTable requireOptions(TfliteOperator op) {
        if (op.options() == null) {
            throw new IllegalArgumentException(op.describe() + " has no builtin options; the file is malformed");
        }
        return op.options();
    }

    private static long[] batchedDims(TfliteTensor t) {
        long[] dims = toLongs(t.shape());
        if (dims.length > 0) {
            dims[0] = OnnxModelBuilder.BATCH;
        }
        return dims;
    }

    private static long[] toLongs(int[] ints) {
        long[] longs = new long[ints.length];
        for (int i = 0; i < ints.length; i++) {
            longs[i] = ints[i];
        }
        return longs;
    }

    /** Permutes a row-major rank-4 array: output axis i is input axis {@code perm[i]}. */
    public static float[] transpose4(float[] in, int[] shape, int[] perm) {
        int[] outShape = {shape[perm[0]], shape[perm[1]], shape[perm[2]], shape[perm[3]]};
        int[] inStrides = {shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1};
        float[] out = new float[in.length];
        int[] idx = new int[4];
        int o = 0;
        for (idx[0] = 0; idx[0] < outShape[0]; idx[0]++) {
            for (idx[1] = 0; idx[1] < outShape[1]; idx[1]++) {
                for (idx[2] = 0; idx[2] < outShape[2]; idx[2]++) {
                    for (idx[3] = 0; idx[3] < outShape[3]; idx[3]++) {
                        int src = 0;
                        for (int a = 0; a < 4; a++) {
                            src += idx[a] * inStrides[perm[a]];
                        }
                        out[o++] = in[src];
                    }
                }
            }
        }
        return out;
    }
}
