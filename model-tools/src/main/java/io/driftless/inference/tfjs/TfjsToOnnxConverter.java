package io.driftless.inference.tfjs;

import static io.driftless.inference.onnx.OnnxModelBuilder.floatAttribute;
import static io.driftless.inference.onnx.OnnxModelBuilder.intAttribute;
import static io.driftless.inference.onnx.OnnxModelBuilder.intsAttribute;
import static io.driftless.inference.onnx.OnnxModelBuilder.stringAttribute;

import io.driftless.inference.onnx.OnnxModelBuilder;
import io.driftless.inference.onnx.proto.Onnx.AttributeProto;
import io.driftless.inference.onnx.proto.Onnx.TensorProto.DataType;
import io.driftless.inference.tflite.TfliteToOnnxConverter;
import io.driftless.inference.vision.ImageInput.TensorLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts a TensorFlow.js graph model of convolutional operators to an ONNX model that computes
 * the same: the ops of Ultralytics' YOLOv5 TensorFlow export, and no more.
 *
 * <p>Supported: Placeholder, Const, Identity, _FusedConv2D (Conv2D with BiasAdd, optionally then
 * Relu, Relu6 or LeakyRelu; VALID, SAME or EXPLICIT padding; NHWC), MaxPool (VALID or SAME),
 * Pad (constant paddings), ConcatV2, Reshape and Transpose (constant shape and permutation),
 * StridedSlice (begin, end and ellipsis masks; no new or shrunk axes), ResizeNearestNeighbor,
 * Sigmoid, Mul, Add, AddV2 and Square. Any other op, or an attribute outside these, fails the
 * conversion with a message naming the op and the node.
 *
 * <p>Layout: TF.js computes images NHWC, and every tensor inside the ONNX graph stays in the
 * layout TF.js gives it, so shapes, axes, paddings and slices carry over as they are; only the
 * convolutions and poolings, which ONNX defines NCHW, are wrapped in a Transpose each way (ONNX
 * Runtime's optimizer cancels the pairs that meet). The image input is NCHW or NHWC as asked.
 * Inputs and outputs keep their TF.js node names; their first dimension becomes a symbolic batch.
 * Values inside the graph are named after TF.js tensors ({@code node:0}).
 */
public final class TfjsToOnnxConverter {

    private static final long[] NHWC_TO_NCHW = {0, 3, 1, 2};
    private static final long[] NCHW_TO_NHWC = {0, 2, 3, 1};
    private static final List<String> SUPPORTED = List.of("Placeholder", "Const", "Identity", "_FusedConv2D",
            "MaxPool", "Pad", "ConcatV2", "Reshape", "Transpose", "StridedSlice", "ResizeNearestNeighbor",
            "Sigmoid", "Mul", "Add", "AddV2", "Square");

    /**
     * How to convert.
     *
     * @param inputLayout the ONNX image input's layout: NHWC as TF.js has it, or NCHW as PyTorch
     *     exports (a Transpose at the front turns it into the graph's NHWC)
     * @param yolov5PixelBoxes the model is Ultralytics' YOLOv5 TensorFlow export, whose output
     *     {@code [N, anchors, 5 + classes]} gives box centres and sizes as fractions of the input
     *     size: multiply them by the input's width and height, giving the layout of Ultralytics'
     *     ONNX export (pixels of the input)
     */
    public record Options(TensorLayout inputLayout, boolean yolov5PixelBoxes) {

        /** As TF.js has it: NHWC input, outputs untouched. */
        public static final Options AS_IS = new Options(TensorLayout.NHWC, false);
    }

    private final TfjsGraphModel model;
    private final OnnxModelBuilder onnx;
    private final Options options;
    /** TF.js node name to the ONNX value holding its (first) output, for tensors computed at run time. */
    private final Map<String, String> values = new HashMap<>();
    /** Constants already added as initializers, by TF.js node name. */
    private final Set<String> initializers = new HashSet<>();
    /** The image input's height and width, for {@link Options#yolov5PixelBoxes}. */
    private long[] imageSize;

    private TfjsToOnnxConverter(TfjsGraphModel model, OnnxModelBuilder onnx, Options options) {
        this.model = model;
        this.onnx = onnx;
        this.options = options;
    }

    /**
     * Converts {@code model} to the bytes of an ONNX model with the given graph name and metadata.
     *
     * @throws IllegalArgumentException if the model uses something unsupported
     */
    public static byte[] convert(TfjsGraphModel model, String graphName, Map<String, String> metadata,
            Options options) {
        OnnxModelBuilder onnx = OnnxModelBuilder.forGraph(graphName)
                .docString("Converted from a TensorFlow.js graph model by driftless. Inputs and outputs keep"
                        + " the TF.js node names; the image input is " + options.inputLayout()
                        + "; their first dimension is the batch.");
        metadata.forEach(onnx::metadata);
        TfjsToOnnxConverter converter = new TfjsToOnnxConverter(model, onnx, options);
        converter.convertGraph();
        return onnx.toByteArray();
    }

    private void convertGraph() {
        Map<String, long[]> signatureShapes = new HashMap<>();
        model.inputs().forEach(p -> signatureShapes.put(p.node(), p.shape()));
        for (TfjsNode node : model.nodes()) {
            if (!SUPPORTED.contains(node.op())) {
                throw new IllegalArgumentException(node.describe() + " is not supported by this converter"
                        + " (supported: " + String.join(", ", SUPPORTED) + ")");
            }
        }
        // model.json lists nodes in no particular order: convert each after the nodes it reads
        Map<String, TfjsNode> byName = new HashMap<>();
        model.nodes().forEach(n -> byName.put(n.name(), n));
        List<TfjsNode> order = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        for (TfjsNode node : model.nodes()) {
            place(node, byName, placed, new HashSet<>(), order);
        }
        for (TfjsNode node : order) {
            switch (node.op()) {
                case "Placeholder" -> input(node, signatureShapes.get(node.name()));
                case "Const" -> { } // added where a node reads it
                case "Identity" -> define(node, unary("Identity", node));
                case "Sigmoid" -> define(node, unary("Sigmoid", node));
                case "Square" -> define(node, binary("Mul", node, value(node, 0), value(node, 0)));
                case "Mul" -> define(node, binary("Mul", node, operand(node, 0), operand(node, 1)));
                case "Add", "AddV2" -> define(node, binary("Add", node, operand(node, 0), operand(node, 1)));
                case "_FusedConv2D" -> fusedConv(node);
                case "MaxPool" -> maxPool(node);
                case "Pad" -> pad(node);
                case "ConcatV2" -> concat(node);
                case "Reshape" -> reshape(node);
                case "Transpose" -> transpose(node);
                case "StridedSlice" -> stridedSlice(node);
                case "ResizeNearestNeighbor" -> resize(node);
                default -> throw new IllegalStateException("unreachable: " + node.op());
            }
        }
        for (TfjsGraphModel.Port out : model.outputs()) {
            String value = values.get(out.node());
            if (value == null) {
                throw new IllegalArgumentException("signature output '" + out.node()
                        + "' is no node of the graph that computes a tensor");
            }
            long[] dims = batched(out.shape(), "output '" + out.node() + "'");
            if (options.yolov5PixelBoxes()) {
                onnx.node("Mul", List.of(value, pixelScale(out)), List.of(out.node()));
            } else {
                onnx.node("Identity", List.of(value), List.of(out.node()));
            }
            onnx.output(out.node(), DataType.FLOAT, dims);
        }
    }

    /** Depth first: a node after every node it reads. */
    private static void place(TfjsNode node, Map<String, TfjsNode> byName, Set<String> placed, Set<String> visiting,
            List<TfjsNode> order) {
        if (placed.contains(node.name())) {
            return;
        }
        if (!visiting.add(node.name())) {
            throw new IllegalArgumentException(node.describe() + " is part of a cycle; the graph is malformed");
        }
        for (String input : node.inputs()) {
            TfjsNode source = byName.get(nodeName(input));
            if (source == null) {
                throw new IllegalArgumentException(node.describe() + " reads '" + input
                        + "', which is no node of the graph");
            }
            place(source, byName, placed, visiting, order);
        }
        placed.add(node.name());
        order.add(node);
    }

    private void input(TfjsNode node, long[] signatureShape) {
        if (!node.type("dtype", "DT_FLOAT").equals("DT_FLOAT")) {
            throw new IllegalArgumentException(node.describe() + " is " + node.type("dtype", "?")
                    + "; only DT_FLOAT inputs are supported");
        }
        long[] shape = signatureShape != null ? signatureShape : node.shape("shape");
        if (shape == null) {
            throw new IllegalArgumentException(node.describe() + " has no shape; the converter needs one");
        }
        long[] dims = batched(shape, node.describe());
        if (dims.length == 4) {
            imageSize = new long[] {dims[1], dims[2]};
        }
        if (dims.length == 4 && options.inputLayout() == TensorLayout.NCHW) {
            onnx.input(node.name(), DataType.FLOAT, dims[0], dims[3], dims[1], dims[2]);
            define(node, transposed(node, node.name(), NCHW_TO_NHWC, ""));
        } else {
            onnx.input(node.name(), DataType.FLOAT, dims);
            define(node, node.name());
        }
    }

    /**
     * TF's Conv2D with the fused ops after it. Filters HWIO become ONNX's OIHW; the NHWC value is
     * transposed to NCHW for the Conv and back after it.
     */
    private void fusedConv(TfjsNode node) {
        requireNhwc(node);
        List<String> fused = node.strings("fused_ops");
        if (fused.isEmpty() || !fused.get(0).equals("BiasAdd") || fused.size() > 2 || node.integer("num_args", 1) != 1
                || node.inputs().size() != 3) {
            throw new IllegalArgumentException(node.describe() + " fuses " + fused + " with "
                    + node.integer("num_args", 0) + " extra inputs; supported: BiasAdd, optionally followed by"
                    + " Relu, Relu6 or LeakyRelu");
        }
        TfjsWeight filter = constant(node, 1);
        TfjsWeight bias = constant(node, 2);
        if (!filter.isFloat() || filter.rank() != 4 || !bias.isFloat() || bias.rank() != 1
                || bias.shape()[0] != filter.shape()[3]) {
            throw new IllegalArgumentException(node.describe() + " has filter " + filter.describe() + " and bias "
                    + bias.describe() + "; a float32 HWIO filter and a bias of its output channels are needed");
        }
        int[] hwio = filter.shape();
        String weights = tensor(node) + ":weights";
        // HWIO -> OIHW: output axis 0 is input axis 3, and so on
        onnx.initializer(weights, TfliteToOnnxConverter.transpose4(filter.floats(), hwio, new int[] {3, 2, 0, 1}),
                hwio[3], hwio[2], hwio[0], hwio[1]);
        long[] strides = spatial(node, "strides");
        long[] dilations = spatial(node, "dilations");
        String nchw = nchw(node, value(node, 0));
        String conv = tensor(node) + ":conv";
        onnx.node("Conv", List.of(nchw, weights, constantValue(node, 2)), List.of(conv),
                intsAttribute("kernel_shape", hwio[0], hwio[1]),
                intsAttribute("strides", strides),
                intsAttribute("dilations", dilations),
                padding(node));
        String nhwc = fused.size() == 2 ? tensor(node) + ":biased" : tensor(node);
        onnx.node("Transpose", List.of(conv), List.of(nhwc), intsAttribute("perm", NCHW_TO_NHWC));
        if (fused.size() == 2) {
            activation(node, fused.get(1), nhwc);
        }
        define(node, tensor(node));
    }

    private void activation(TfjsNode node, String op, String input) {
        switch (op) {
            case "Relu" -> onnx.node("Relu", List.of(input), List.of(tensor(node)));
            case "Relu6" -> {
                String lo = tensor(node) + ":min";
                String hi = tensor(node) + ":max";
                onnx.initializer(lo, new float[] {0f});
                onnx.initializer(hi, new float[] {6f});
                onnx.node("Clip", List.of(input, lo, hi), List.of(tensor(node)));
            }
            case "LeakyRelu" -> onnx.node("LeakyRelu", List.of(input), List.of(tensor(node)),
                    floatAttribute("alpha", node.number("leakyrelu_alpha", 0.2f)));
            default -> throw new IllegalArgumentException(node.describe() + " fuses " + op
                    + " after BiasAdd; supported: Relu, Relu6, LeakyRelu");
        }
    }

    private void maxPool(TfjsNode node) {
        requireNhwc(node);
        long[] ksize = spatial(node, "ksize");
        String pool = tensor(node) + ":pool";
        // ONNX MaxPool ignores padded cells, as TF's does
        onnx.node("MaxPool", List.of(nchw(node, value(node, 0))), List.of(pool),
                intsAttribute("kernel_shape", ksize),
                intsAttribute("strides", spatial(node, "strides")),
                padding(node));
        define(node, transposed(node, pool, NCHW_TO_NHWC, ""));
    }

    /**
     * TF's padding as an ONNX attribute: SAME pads so that out = ceil(in / stride), the odd cell
     * at the end, which is ONNX's SAME_UPPER; EXPLICIT gives [before, after] per NHWC axis.
     */
    private static AttributeProto padding(TfjsNode node) {
        String padding = node.string("padding", "VALID");
        return switch (padding) {
            case "VALID" -> intsAttribute("pads", 0, 0, 0, 0);
            case "SAME" -> stringAttribute("auto_pad", "SAME_UPPER");
            case "EXPLICIT" -> {
                long[] p = node.integers("explicit_paddings", new long[0]);
                if (p.length != 8 || p[0] != 0 || p[1] != 0 || p[6] != 0 || p[7] != 0) {
                    throw new IllegalArgumentException(node.describe() + " has explicit_paddings "
                            + Arrays.toString(p) + "; 8 values that pad height and width only are needed");
                }
                yield intsAttribute("pads", p[2], p[4], p[3], p[5]);
            }
            default -> throw new IllegalArgumentException(node.describe() + " has padding '" + padding
                    + "'; supported: VALID, SAME, EXPLICIT");
        };
    }

    private void pad(TfjsNode node) {
        TfjsWeight paddings = constant(node, 1);
        int rank = paddings.rank() == 2 ? paddings.shape()[0] : -1;
        if (paddings.isFloat() || rank < 1 || paddings.shape()[1] != 2) {
            throw new IllegalArgumentException(node.describe() + " has paddings " + paddings.describe()
                    + "; constant integer paddings [rank, 2] are needed");
        }
        // TF: [[before, after] per axis]; ONNX: [befores..., afters...]
        long[] pads = new long[rank * 2];
        for (int axis = 0; axis < rank; axis++) {
            pads[axis] = paddings.ints()[2 * axis];
            pads[rank + axis] = paddings.ints()[2 * axis + 1];
        }
        String padsName = tensor(node) + ":pads";
        onnx.initializer(padsName, pads, pads.length);
        onnx.node("Pad", List.of(value(node, 0), padsName), List.of(tensor(node)), stringAttribute("mode", "constant"));
        define(node, tensor(node));
    }

    /** ConcatV2: the tensors, then the axis as a constant last input. */
    private void concat(TfjsNode node) {
        int n = node.inputs().size() - 1;
        long axis = scalar(node, n);
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            inputs.add(operand(node, i));
        }
        onnx.node("Concat", inputs, List.of(tensor(node)), intAttribute("axis", axis));
        define(node, tensor(node));
    }

    private void reshape(TfjsNode node) {
        TfjsWeight shape = constant(node, 1);
        if (shape.isFloat() || shape.rank() != 1 || Arrays.stream(shape.ints()).anyMatch(d -> d == 0 || d < -1)) {
            throw new IllegalArgumentException(node.describe() + " has shape " + shape.describe()
                    + (shape.isFloat() ? "" : " = " + Arrays.toString(shape.ints()))
                    + "; a constant shape of positive sizes and at most one -1 is needed");
        }
        onnx.node("Reshape", List.of(value(node, 0), constantValue(node, 1)), List.of(tensor(node)));
        define(node, tensor(node));
    }

    private void transpose(TfjsNode node) {
        TfjsWeight perm = constant(node, 1);
        if (perm.isFloat() || perm.rank() != 1) {
            throw new IllegalArgumentException(node.describe() + " has permutation " + perm.describe()
                    + "; a constant integer vector is needed");
        }
        onnx.node("Transpose", List.of(value(node, 0)), List.of(tensor(node)), intsAttribute("perm", perm.ints()));
        define(node, tensor(node));
    }

    /**
     * TF's StridedSlice as ONNX's Slice. Each entry of begin, end and strides slices one axis; the
     * entries before an ellipsis the first axes, those after it the last ones (negative axes, so
     * the input's rank need not be known); a masked begin or end is the axis's own.
     */
    private void stridedSlice(TfjsNode node) {
        if (node.integer("new_axis_mask", 0) != 0 || node.integer("shrink_axis_mask", 0) != 0) {
            throw new IllegalArgumentException(node.describe() + " has new_axis_mask "
                    + node.integer("new_axis_mask", 0) + " and shrink_axis_mask " + node.integer("shrink_axis_mask", 0)
                    + "; only slices that keep every axis (both 0) are supported");
        }
        long[] begin = integers(node, 1);
        long[] end = integers(node, 2);
        long[] strides = integers(node, 3);
        int n = begin.length;
        if (end.length != n || strides.length != n) {
            throw new IllegalArgumentException(node.describe() + " has begin, end and strides of different lengths");
        }
        long beginMask = node.integer("begin_mask", 0);
        long endMask = node.integer("end_mask", 0);
        long ellipsisMask = node.integer("ellipsis_mask", 0);
        if (Long.bitCount(ellipsisMask) > 1) {
            throw new IllegalArgumentException(node.describe() + " has ellipsis_mask " + ellipsisMask
                    + "; a slice has at most one ellipsis");
        }
        int ellipsis = ellipsisMask == 0 ? n : Long.numberOfTrailingZeros(ellipsisMask);
        List<long[]> slices = new ArrayList<>(); // axis, start, end, step
        for (int i = 0; i < n; i++) {
            if (i == ellipsis) {
                continue;
            }
            long step = strides[i];
            if (step == 0) {
                throw new IllegalArgumentException(node.describe() + " has stride 0 at entry " + i);
            }
            long axis = i < ellipsis ? i : i - n;
            long start = (beginMask >> i & 1) != 0 ? (step > 0 ? 0 : Long.MAX_VALUE) : begin[i];
            long stop = (endMask >> i & 1) != 0 ? (step > 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : end[i];
            slices.add(new long[] {axis, start, stop, step});
        }
        if (slices.isEmpty()) {
            define(node, unary("Identity", node));
            return;
        }
        String[] names = {":axes", ":starts", ":ends", ":steps"};
        List<String> inputs = new ArrayList<>(List.of(value(node, 0)));
        for (int part : new int[] {1, 2, 0, 3}) {
            long[] column = slices.stream().mapToLong(s -> s[part]).toArray();
            String name = tensor(node) + names[part];
            onnx.initializer(name, column, column.length);
            inputs.add(name);
        }
        // ONNX Slice's inputs: data, starts, ends, axes, steps
        onnx.node("Slice", inputs, List.of(tensor(node)));
        define(node, tensor(node));
    }

    /**
     * TF's ResizeNearestNeighbor on NHWC as ONNX's Resize: sizes are the batch and channels of
     * the input (read at run time) around the constant height and width. TF picks source cell
     * floor(x * in / out) without half-pixel centres (ONNX asymmetric, floor), floor((x + 0.5) *
     * in / out) with them (ONNX half_pixel, whose x_original is that minus 0.5, rounded
     * half up), and round(x * (in - 1) / (out - 1)) with aligned corners (ONNX align_corners).
     */
    private void resize(TfjsNode node) {
        boolean alignCorners = node.bool("align_corners", false);
        boolean halfPixel = node.bool("half_pixel_centers", false);
        if (alignCorners && halfPixel) {
            throw new IllegalArgumentException(node.describe() + " sets both align_corners and half_pixel_centers,"
                    + " which TF itself refuses");
        }
        long[] size = integers(node, 1);
        if (size.length != 2) {
            throw new IllegalArgumentException(node.describe() + " has size " + Arrays.toString(size)
                    + "; [height, width] is needed");
        }
        String x = value(node, 0);
        String batch = tensor(node) + ":batch";
        String channels = tensor(node) + ":channels";
        String hw = tensor(node) + ":size";
        String sizes = tensor(node) + ":sizes";
        onnx.node("Shape", List.of(x), List.of(batch), intAttribute("start", 0), intAttribute("end", 1));
        onnx.node("Shape", List.of(x), List.of(channels), intAttribute("start", 3), intAttribute("end", 4));
        onnx.initializer(hw, size, 2);
        onnx.node("Concat", List.of(batch, hw, channels), List.of(sizes), intAttribute("axis", 0));
        String mode = alignCorners ? "align_corners" : halfPixel ? "half_pixel" : "asymmetric";
        String nearest = alignCorners || halfPixel ? "round_prefer_ceil" : "floor";
        onnx.node("Resize", List.of(x, "", "", sizes), List.of(tensor(node)),
                stringAttribute("mode", "nearest"),
                stringAttribute("coordinate_transformation_mode", mode),
                stringAttribute("nearest_mode", nearest));
        define(node, tensor(node));
    }

    /** For {@link Options#yolov5PixelBoxes}: the factors [w, h, w, h, 1, ...] for the output's last axis. */
    private String pixelScale(TfjsGraphModel.Port out) {
        long[] shape = out.shape();
        if (imageSize == null || shape.length != 3 || shape[2] < 6) {
            throw new IllegalArgumentException("output '" + out.node() + "' " + Arrays.toString(shape)
                    + " with input size " + Arrays.toString(imageSize) + " is not the YOLOv5 export's [N, anchors,"
                    + " 5 + classes] on an image input; its boxes cannot be scaled to pixels");
        }
        float[] scale = new float[(int) shape[2]];
        Arrays.fill(scale, 1f);
        scale[0] = imageSize[1];
        scale[1] = imageSize[0];
        scale[2] = imageSize[1];
        scale[3] = imageSize[0];
        String name = out.node() + ":pixel_scale";
        onnx.initializer(name, scale, scale.length);
        return name;
    }

    private String unary(String opType, TfjsNode node) {
        onnx.node(opType, List.of(value(node, 0)), List.of(tensor(node)));
        return tensor(node);
    }

    private String binary(String opType, TfjsNode node, String a, String b) {
        onnx.node(opType, List.of(a, b), List.of(tensor(node)));
        return tensor(node);
    }

    private String nchw(TfjsNode node, String nhwc) {
        return transposed(node, nhwc, NHWC_TO_NCHW, ":nchw");
    }

    private String transposed(TfjsNode node, String input, long[] perm, String suffix) {
        String name = tensor(node) + suffix;
        onnx.node("Transpose", List.of(input), List.of(name), intsAttribute("perm", perm));
        return name;
    }

    /** An elementwise operand: a computed tensor, or a float constant that broadcasts as it does in TF. */
    private String operand(TfjsNode node, int input) {
        String source = nodeName(node.inputs().get(input));
        return values.containsKey(source) ? values.get(source) : constantValue(node, input);
    }

    /** The ONNX value of a node's run-time input. */
    private String value(TfjsNode node, int input) {
        requireInputs(node, input + 1);
        String source = nodeName(node.inputs().get(input));
        String value = values.get(source);
        if (value == null) {
            throw new IllegalArgumentException(node.describe() + " input " + input + " reads '" + source
                    + "', a constant where a computed tensor is expected; this is not supported");
        }
        return value;
    }

    /** A constant input as an initializer (float32 as it is, int32 widened to int64), added once. */
    private String constantValue(TfjsNode node, int input) {
        TfjsWeight w = constant(node, input);
        if (initializers.add(w.name())) {
            if (w.isFloat()) {
                onnx.initializer(w.name(), w.floats(), w.dims());
            } else {
                onnx.initializer(w.name(), w.ints(), w.dims());
            }
        }
        return w.name();
    }

    private TfjsWeight constant(TfjsNode node, int input) {
        requireInputs(node, input + 1);
        String source = nodeName(node.inputs().get(input));
        TfjsWeight w = model.weight(source);
        if (w == null) {
            throw new IllegalArgumentException(node.describe() + " input " + input + " reads '" + source
                    + "', which is " + (values.containsKey(source) ? "computed at run time" : "no constant of the"
                    + " weights manifest") + "; a constant is needed there");
        }
        return w;
    }

    private long[] integers(TfjsNode node, int input) {
        TfjsWeight w = constant(node, input);
        if (w.isFloat() || w.rank() != 1) {
            throw new IllegalArgumentException(node.describe() + " input " + input + " is " + w.describe()
                    + "; a constant integer vector is needed");
        }
        return w.ints();
    }

    private long scalar(TfjsNode node, int input) {
        TfjsWeight w = constant(node, input);
        if (w.isFloat() || w.ints().length != 1) {
            throw new IllegalArgumentException(node.describe() + " input " + input + " is " + w.describe()
                    + "; a constant integer is needed");
        }
        return w.ints()[0];
    }

    /** The height and width entries of an NHWC attribute such as strides, checking batch and channel are 1. */
    private static long[] spatial(TfjsNode node, String attr) {
        long[] v = node.integers(attr, new long[] {1, 1, 1, 1});
        if (v.length != 4 || v[0] != 1 || v[3] != 1) {
            throw new IllegalArgumentException(node.describe() + " has " + attr + " " + Arrays.toString(v)
                    + "; [1, height, width, 1] is needed");
        }
        return new long[] {v[1], v[2]};
    }

    private static void requireNhwc(TfjsNode node) {
        String format = node.string("data_format", "NHWC");
        if (!format.equals("NHWC")) {
            throw new IllegalArgumentException(node.describe() + " has data_format " + format
                    + "; only NHWC is supported");
        }
    }

    private static void requireInputs(TfjsNode node, int count) {
        if (node.inputs().size() < count) {
            throw new IllegalArgumentException(node.describe() + " has " + node.inputs().size() + " inputs, "
                    + count + " are needed");
        }
    }

    private void define(TfjsNode node, String value) {
        values.put(node.name(), value);
    }

    /** The ONNX name of a TF.js node's computed tensor. */
    private static String tensor(TfjsNode node) {
        return node.name() + ":0";
    }

    /** The node an input names: {@code name} or {@code name:0}; other outputs are not supported. */
    private static String nodeName(String input) {
        int colon = input.indexOf(':');
        if (colon < 0) {
            return input;
        }
        if (!input.substring(colon + 1).equals("0")) {
            throw new IllegalArgumentException("input '" + input + "' reads a node's output other than its first;"
                    + " no supported op has several outputs");
        }
        return input.substring(0, colon);
    }

    /** A shape with its first dimension made the symbolic batch, every other fixed. */
    private static long[] batched(long[] shape, String what) {
        long[] dims = shape.clone();
        for (int k = 1; k < dims.length; k++) {
            if (dims[k] <= 0) {
                throw new IllegalArgumentException(what + " has shape " + Arrays.toString(shape)
                        + "; every dimension but the batch must be fixed");
            }
        }
        if (dims.length > 0) {
            dims[0] = OnnxModelBuilder.BATCH;
        }
        return dims;
    }
}
