package io.driftless.inference.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One node of a TF.js graph model's {@code modelTopology.node}: its name, op, inputs (names of
 * other nodes, control inputs {@code ^name} left out) and attributes as model.json writes them
 * (strings base64, integers as decimal strings, lists under {@code list}).
 */
record TfjsNode(String name, String op, List<String> inputs, JsonNode attrs) {

    static TfjsNode of(JsonNode node) {
        List<String> inputs = new ArrayList<>();
        for (JsonNode in : node.path("input")) {
            if (!in.asText().startsWith("^")) {
                inputs.add(in.asText());
            }
        }
        return new TfjsNode(node.path("name").asText(), node.path("op").asText(), List.copyOf(inputs),
                node.path("attr"));
    }

    /** How the node is named in messages: {@code op 'name'}. */
    String describe() {
        return op + " '" + name + "'";
    }

    boolean has(String attr) {
        return attrs.has(attr);
    }

    /** A string attribute, or {@code fallback} when the node has none. */
    String string(String attr, String fallback) {
        JsonNode s = attrs.path(attr).path("s");
        return s.isMissingNode() ? fallback : decode(s.asText());
    }

    long integer(String attr, long fallback) {
        JsonNode i = attrs.path(attr).path("i");
        return i.isMissingNode() ? fallback : Long.parseLong(i.asText());
    }

    float number(String attr, float fallback) {
        JsonNode f = attrs.path(attr).path("f");
        return f.isMissingNode() ? fallback : (float) f.asDouble();
    }

    boolean bool(String attr, boolean fallback) {
        JsonNode b = attrs.path(attr).path("b");
        return b.isMissingNode() ? fallback : b.asBoolean();
    }

    /** A list-of-integers attribute; {@code fallback} when the node has none. */
    long[] integers(String attr, long[] fallback) {
        JsonNode list = attrs.path(attr).path("list");
        if (list.isMissingNode()) {
            return fallback;
        }
        JsonNode items = list.path("i");
        long[] values = new long[items.size()];
        for (int k = 0; k < values.length; k++) {
            values[k] = Long.parseLong(items.get(k).asText());
        }
        return values;
    }

    /** A list-of-strings attribute; empty when the node has none. */
    List<String> strings(String attr) {
        List<String> values = new ArrayList<>();
        for (JsonNode s : attrs.path(attr).path("list").path("s")) {
            values.add(decode(s.asText()));
        }
        return values;
    }

    /** A {@code shape} attribute's dimensions (-1 where unknown), or null when the node has none. */
    long[] shape(String attr) {
        JsonNode shape = attrs.path(attr).path("shape");
        if (shape.isMissingNode() || shape.path("unknownRank").asBoolean(false)) {
            return null;
        }
        return dims(shape);
    }

    /** The dimensions of a TensorFlow shape as model.json writes it ({@code dim[].size}, -1 where unknown). */
    static long[] dims(JsonNode shape) {
        JsonNode dims = shape.path("dim");
        long[] values = new long[dims.size()];
        for (int k = 0; k < values.length; k++) {
            values[k] = Long.parseLong(dims.get(k).path("size").asText("-1"));
        }
        return values;
    }

    /** A {@code type} attribute, such as {@code DT_FLOAT}, or {@code fallback}. */
    String type(String attr, String fallback) {
        JsonNode t = attrs.path(attr).path("type");
        return t.isMissingNode() ? fallback : t.asText();
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
