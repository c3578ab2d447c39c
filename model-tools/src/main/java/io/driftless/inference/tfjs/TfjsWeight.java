package io.driftless.inference.tfjs;

import java.util.Arrays;

/**
 * A constant of a TF.js graph model, as its weights manifest describes it and its weight files
 * hold it: FLOAT32 contents in {@code floats} (dequantized where the manifest quantizes them), or
 * INT32 contents widened in {@code ints}; the other is null.
 */
record TfjsWeight(String name, int[] shape, float[] floats, long[] ints) {

    boolean isFloat() {
        return floats != null;
    }

    int rank() {
        return shape.length;
    }

    long[] dims() {
        return Arrays.stream(shape).asLongStream().toArray();
    }

    String describe() {
        return "constant '" + name + "' " + (isFloat() ? "float32" : "int32") + Arrays.toString(shape);
    }
}
