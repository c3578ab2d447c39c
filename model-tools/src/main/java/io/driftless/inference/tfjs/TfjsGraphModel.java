package io.driftless.inference.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftless.inference.tflite.HalfFloat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TensorFlow.js graph model as {@code tensorflowjs_converter} writes it: a folder with
 * {@value #MODEL_JSON} (the graph's nodes under {@code modelTopology.node}, the serving
 * signature, and the weights manifest) and the binary weight files the manifest names.
 *
 * <p>Each manifest group's files are one byte stream, cut into its weights in order, little
 * endian. Weights are FLOAT32 or INT32; FLOAT32 ones may be quantized to uint8 or uint16
 * ({@code min + scale * q}) or float16, and are widened back here.
 */
public final class TfjsGraphModel {

    public static final String MODEL_JSON = "model.json";

    /** A graph input or output as the signature gives it: the tensor's node and its shape. */
    record Port(String node, long[] shape) {}

    private final List<TfjsNode> nodes;
    private final Map<String, TfjsWeight> weights;
    private final List<Port> inputs;
    private final List<Port> outputs;
    private final String sha256;

    private TfjsGraphModel(List<TfjsNode> nodes, Map<String, TfjsWeight> weights, List<Port> inputs,
            List<Port> outputs, String sha256) {
        this.nodes = nodes;
        this.weights = weights;
        this.inputs = inputs;
        this.outputs = outputs;
        this.sha256 = sha256;
    }

    /**
     * Reads the model in {@code folder}.
     *
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException if the files are not a TF.js graph model this reader understands
     */
    public static TfjsGraphModel read(Path folder) throws IOException {
        byte[] json = Files.readAllBytes(folder.resolve(MODEL_JSON));
        MessageDigest digest = sha256Digest();
        digest.update(json);
        JsonNode root = new ObjectMapper().readTree(json);
        if (!"graph-model".equals(root.path("format").asText("graph-model"))) {
            throw new IllegalArgumentException(MODEL_JSON + " has format '" + root.path("format").asText()
                    + "'; only TF.js graph models (format graph-model) are supported, not layers models");
        }
        List<TfjsNode> nodes = new ArrayList<>();
        for (JsonNode node : root.path("modelTopology").path("node")) {
            nodes.add(TfjsNode.of(node));
        }
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException(MODEL_JSON + " has no modelTopology.node; it is no TF.js graph model");
        }
        Map<String, TfjsWeight> weights = new LinkedHashMap<>();
        for (JsonNode group : root.path("weightsManifest")) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (JsonNode path : group.path("paths")) {
                byte[] shard = Files.readAllBytes(folder.resolve(path.asText()));
                digest.update(shard);
                bytes.write(shard);
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
            for (JsonNode w : group.path("weights")) {
                TfjsWeight weight = weight(w, buffer);
                weights.put(weight.name(), weight);
            }
        }
        JsonNode signature = root.path("signature");
        List<Port> inputs = ports(signature.path("inputs"));
        List<Port> outputs = ports(signature.path("outputs"));
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException(MODEL_JSON + " has no signature.outputs; the converter needs them"
                    + " to know the graph's outputs and their shapes");
        }
        return new TfjsGraphModel(List.copyOf(nodes), weights, inputs, outputs,
                HexFormat.of().formatHex(digest.digest()));
    }

    List<TfjsNode> nodes() {
        return nodes;
    }

    /** The constant a {@code Const} node names, or null when the manifest has none of that name. */
    TfjsWeight weight(String name) {
        return weights.get(name);
    }

    /** The signature's inputs; empty when model.json has none (the Placeholder nodes are the inputs). */
    List<Port> inputs() {
        return inputs;
    }

    List<Port> outputs() {
        return outputs;
    }

    /** SHA-256 of model.json followed by the weight files in manifest order: the model's identity. */
    public String sha256() {
        return sha256;
    }

    private static List<Port> ports(JsonNode map) {
        List<Port> ports = new ArrayList<>();
        map.fields().forEachRemaining(e -> {
            String tensor = e.getValue().path("name").asText(e.getKey());
            if (tensor.contains(":") && !tensor.endsWith(":0")) {
                throw new IllegalArgumentException(MODEL_JSON + ": signature tensor '" + tensor
                        + "' is not a node's first output; only those are supported");
            }
            ports.add(new Port(tensor.replaceFirst(":0$", ""), TfjsNode.dims(e.getValue().path("tensorShape"))));
        });
        return ports;
    }

    private static TfjsWeight weight(JsonNode w, ByteBuffer buffer) {
        String name = w.path("name").asText();
        String dtype = w.path("dtype").asText();
        int[] shape = new int[w.path("shape").size()];
        int count = 1;
        for (int k = 0; k < shape.length; k++) {
            shape[k] = w.path("shape").get(k).asInt();
            count *= shape[k];
        }
        JsonNode q = w.path("quantization");
        String stored = q.isMissingNode() ? dtype : q.path("dtype").asText();
        int size = switch (stored) {
            case "float32", "int32" -> 4;
            case "uint16", "float16" -> 2;
            case "uint8" -> 1;
            default -> throw new IllegalArgumentException("weight '" + name + "' is stored as " + stored
                    + "; supported: float32, int32, and float32 quantized to uint8, uint16 or float16");
        };
        if (buffer.remaining() < count * size) {
            throw new IllegalArgumentException("weight '" + name + "' needs " + count * size + " bytes but its"
                    + " weight files hold " + buffer.remaining() + " more; the files do not match model.json");
        }
        if (dtype.equals("int32")) {
            if (!q.isMissingNode()) {
                throw new IllegalArgumentException("weight '" + name + "' is a quantized int32; not supported");
            }
            long[] ints = new long[count];
            for (int k = 0; k < count; k++) {
                ints[k] = buffer.getInt();
            }
            return new TfjsWeight(name, shape, null, ints);
        }
        if (!dtype.equals("float32")) {
            throw new IllegalArgumentException("weight '" + name + "' has dtype " + dtype
                    + "; supported: float32 and int32");
        }
        float[] floats = new float[count];
        float min = (float) q.path("min").asDouble(0);
        float scale = (float) q.path("scale").asDouble(1);
        for (int k = 0; k < count; k++) {
            floats[k] = switch (stored) {
                case "float16" -> HalfFloat.toFloat(buffer.getShort());
                case "uint16" -> min + scale * (buffer.getShort() & 0xFFFF);
                case "uint8" -> min + scale * (buffer.get() & 0xFF);
                default -> buffer.getFloat();
            };
        }
        return new TfjsWeight(name, shape, floats, null);
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
