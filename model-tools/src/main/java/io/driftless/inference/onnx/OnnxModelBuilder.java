package io.driftless.inference.onnx;

import com.google.protobuf.ByteString;
import io.driftless.inference.onnx.proto.Onnx.AttributeProto;
import io.driftless.inference.onnx.proto.Onnx.GraphProto;
import io.driftless.inference.onnx.proto.Onnx.ModelProto;
import io.driftless.inference.onnx.proto.Onnx.NodeProto;
import io.driftless.inference.onnx.proto.Onnx.OperatorSetIdProto;
import io.driftless.inference.onnx.proto.Onnx.StringStringEntryProto;
import io.driftless.inference.onnx.proto.Onnx.TensorProto;
import io.driftless.inference.onnx.proto.Onnx.TensorProto.DataType;
import io.driftless.inference.onnx.proto.Onnx.TensorShapeProto;
import io.driftless.inference.onnx.proto.Onnx.TypeProto;
import io.driftless.inference.onnx.proto.Onnx.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Builds an ONNX model of one graph in the default operator domain: typed inputs and outputs,
 * constant initializers, and nodes in topological order.
 *
 * <p>Every value a node reads must already exist when the node is added (a graph input, an
 * initializer or an earlier node's output), so the graph can only be built in a valid order.
 * Example, a batch of 3-vectors mapped to 2-vectors by {@code y = relu(x W + b)}:
 *
 * <pre>{@code
 * byte[] model = OnnxModelBuilder.forGraph("affine")
 *         .input("x", DataType.FLOAT, OnnxModelBuilder.BATCH, 3)
 *         .initializer("w", weights, 3, 2)
 *         .initializer("b", bias, 2)
 *         .node("Gemm", List.of("x", "w", "b"), List.of("z"))
 *         .node("Relu", List.of("z"), List.of("y"))
 *         .output("y", DataType.FLOAT, OnnxModelBuilder.BATCH, 2)
 *         .toByteArray();
 * }</pre>
 */
public final class OnnxModelBuilder {

    /** A dimension that stands for the batch size, left symbolic in the model. */
    public static final long BATCH = -1;

    public static final int DEFAULT_OPSET = 17;
    static final int MIN_OPSET = 7;
    static final int MAX_OPSET = 22;

    private final String graphName;
    private int opset = DEFAULT_OPSET;
    private String producerName = "driftless";
    private String producerVersion = "";
    private String docString = "";
    private String batchDimension = "batch";
    private final List<StringStringEntryProto> metadata = new ArrayList<>();
    private final List<ValueInfoProto> inputs = new ArrayList<>();
    private final List<ValueInfoProto> outputs = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private final List<NodeProto> nodes = new ArrayList<>();
    private final Set<String> values = new HashSet<>();
    private final Map<String, Integer> nodeCountByOp = new HashMap<>();

    private OnnxModelBuilder(String graphName) {
        this.graphName = graphName;
    }

    /** Starts a model whose graph has the given name. */
    public static OnnxModelBuilder forGraph(String graphName) {
        return new OnnxModelBuilder(requireName(graphName, "graphName"));
    }

    /** The version of the default ONNX operator set the nodes bind against (default 17). */
    public OnnxModelBuilder opset(int version) {
        if (version < MIN_OPSET || version > MAX_OPSET) {
            throw new IllegalArgumentException(
                    "opset must be between " + MIN_OPSET + " and " + MAX_OPSET + ", got " + version);
        }
        this.opset = version;
        return this;
    }

    /** Who wrote the model, recorded as the model's producer name and version. */
    public OnnxModelBuilder producer(String name, String version) {
        this.producerName = requireName(name, "producer name");
        this.producerVersion = Objects.requireNonNull(version, "producer version");
        return this;
    }

    public OnnxModelBuilder docString(String text) {
        this.docString = Objects.requireNonNull(text, "docString");
        return this;
    }

    /** Adds a key-value pair to the model's metadata (readable through ONNX Runtime). */
    public OnnxModelBuilder metadata(String key, String value) {
        requireName(key, "metadata key");
        Objects.requireNonNull(value, "metadata value");
        if (metadata.stream().anyMatch(e -> e.getKey().equals(key))) {
            throw new IllegalArgumentException("metadata key '" + key + "' is already set");
        }
        metadata.add(StringStringEntryProto.newBuilder().setKey(key).setValue(value).build());
        return this;
    }

    /** The symbolic name that {@link #BATCH} dimensions get in the model (default {@code batch}). */
    public OnnxModelBuilder batchDimension(String name) {
        this.batchDimension = requireName(name, "batchDimension");
        return this;
    }

    /** Declares a graph input; a dimension of {@link #BATCH} stays symbolic. */
    public OnnxModelBuilder input(String name, DataType type, long... dims) {
        define(name, "input");
        inputs.add(valueInfo(name, type, dims));
        return this;
    }

    /** Declares a graph output; some node must produce it by the time {@link #build()} runs. */
    public OnnxModelBuilder output(String name, DataType type, long... dims) {
        requireName(name, "output name");
        if (outputs.stream().anyMatch(o -> o.getName().equals(name))) {
            throw new IllegalArgumentException("output '" + name + "' is declared twice");
        }
        outputs.add(valueInfo(name, type, dims));
        return this;
    }

    /** A constant float tensor of the given shape, row-major. */
    public OnnxModelBuilder initializer(String name, float[] values, long... dims) {
        Objects.requireNonNull(values, "values");
        checkElementCount(name, values.length, dims);
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return addInitializer(name, DataType.FLOAT, raw, dims);
    }

    /** A constant int64 tensor of the given shape, row-major (shapes, axes, indices). */
    public OnnxModelBuilder initializer(String name, long[] values, long... dims) {
        Objects.requireNonNull(values, "values");
        checkElementCount(name, values.length, dims);
        ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return addInitializer(name, DataType.INT64, raw, dims);
    }

    /**
     * Adds a node of the default domain. Its inputs must already exist (an empty name marks an
     * omitted optional input); its outputs must be new names.
     */
    public OnnxModelBuilder node(
            String opType, List<String> nodeInputs, List<String> nodeOutputs, AttributeProto... attributes) {
        requireName(opType, "opType");
        Objects.requireNonNull(nodeInputs, "node inputs");
        Objects.requireNonNull(nodeOutputs, "node outputs");
        if (nodeOutputs.isEmpty()) {
            throw new IllegalArgumentException("a " + opType + " node needs at least one output");
        }
        for (String in : nodeInputs) {
            if (!in.isEmpty() && !values.contains(in)) {
                throw new IllegalArgumentException(
                        opType + " node reads '" + in + "', which is no input, initializer or earlier"
                                + " node output; add what produces it first");
            }
        }
        for (String out : nodeOutputs) {
            define(out, opType + " output");
        }
        int index = nodeCountByOp.merge(opType, 1, Integer::sum) - 1;
        nodes.add(NodeProto.newBuilder()
                .setName(opType + "_" + index)
                .setOpType(opType)
                .addAllInput(nodeInputs)
                .addAllOutput(nodeOutputs)
                .addAllAttribute(Arrays.asList(attributes))
                .build());
        return this;
    }

    public static AttributeProto intAttribute(String name, long value) {
        return attribute(name, AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static AttributeProto floatAttribute(String name, float value) {
        return attribute(name, AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    public static AttributeProto stringAttribute(String name, String value) {
        return attribute(name, AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value))
                .build();
    }

    public static AttributeProto intsAttribute(String name, long... values) {
        AttributeProto.Builder b = attribute(name, AttributeProto.AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    public static AttributeProto floatsAttribute(String name, float... values) {
        AttributeProto.Builder b = attribute(name, AttributeProto.AttributeType.FLOATS);
        for (float v : values) {
            b.addFloats(v);
        }
        return b.build();
    }

    /** The model; fails if a declared output is never produced or the graph is empty. */
    public ModelProto build() {
        if (outputs.isEmpty()) {
            throw new IllegalStateException("graph '" + graphName + "' has no output; declare one with output()");
        }
        GraphProto.Builder graph = GraphProto.newBuilder().setName(graphName);
        for (ValueInfoProto o : outputs) {
            if (!values.contains(o.getName())) {
                throw new IllegalStateException("output '" + o.getName()
                        + "' is produced by no node, input or initializer of graph '" + graphName + "'");
            }
        }
        graph.addAllInput(inputs).addAllOutput(outputs).addAllInitializer(initializers).addAllNode(nodes);
        return ModelProto.newBuilder()
                .setIrVersion(irVersionFor(opset))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setProducerName(producerName)
                .setProducerVersion(producerVersion)
                .setDocString(docString)
                .addAllMetadataProps(metadata)
                .setGraph(graph)
                .build();
    }

    /** The serialized model, ready for a file or {@code OrtEnvironment.createSession(byte[], ...)}. */
    public byte[] toByteArray() {
        return build().toByteArray();
    }

    /** The IR version of the ONNX release that introduced the opset, so older runtimes load it. */
    static long irVersionFor(int opset) {
        if (opset <= 18) {
            return 8;
        }
        return opset <= 20 ? 9 : 10;
    }

    private OnnxModelBuilder addInitializer(String name, DataType type, ByteBuffer raw, long[] dims) {
        define(name, "initializer");
        TensorProto.Builder t = TensorProto.newBuilder()
                .setName(name)
                .setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(raw.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        initializers.add(t.build());
        return this;
    }

    private ValueInfoProto valueInfo(String name, DataType type, long[] dims) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(dims, "dims");
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            if (d == BATCH) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(batchDimension));
            } else if (d > 0) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
            } else {
                throw new IllegalArgumentException("dimension of '" + name
                        + "' must be positive or OnnxModelBuilder.BATCH, got " + d);
            }
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
                .build();
    }

    private void define(String name, String what) {
        requireName(name, what + " name");
        if (!values.add(name)) {
            throw new IllegalArgumentException(
                    what + " '" + name + "' reuses a name already in the graph; value names must be unique");
        }
    }

    private static void checkElementCount(String name, int length, long[] dims) {
        long count = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException(
                        "initializer '" + name + "' needs fixed dimensions, got " + Arrays.toString(dims));
            }
            count *= d;
        }
        if (count != length) {
            throw new IllegalArgumentException("initializer '" + name + "' has " + length
                    + " values but shape " + Arrays.toString(dims) + " holds " + count);
        }
    }

    private static AttributeProto.Builder attribute(String name, AttributeProto.AttributeType type) {
        return AttributeProto.newBuilder().setName(requireName(name, "attribute name")).setType(type);
    }

    private static String requireName(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return name;
    }
}
