package io.driftless.inference.tflite;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One tensor of a TFLite subgraph.
 *
 * @param index its index in the subgraph, which operators refer to
 * @param shape its static shape (TFLite lays images out NHWC)
 * @param data its constant contents (little-endian), empty for activations
 * @param quantized whether it carries quantization parameters
 */
record TfliteTensor(int index, String name, int[] shape, TensorType type, ByteBuffer data, boolean quantized) {

    boolean isConstant() {
        return data.remaining() > 0;
    }

    int rank() {
        return shape.length;
    }

    long elementCount() {
        long count = 1;
        for (int d : shape) {
            count *= d;
        }
        return count;
    }

    /** The constant contents as floats, widening FLOAT16. */
    float[] floats() {
        float[] values = new float[checkedCount()];
        ByteBuffer b = data.duplicate().order(data.order());
        switch (type) {
            case FLOAT32 -> b.asFloatBuffer().get(values);
            case FLOAT16 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = HalfFloat.toFloat(b.getShort(i * Short.BYTES));
                }
            }
            default -> throw new IllegalArgumentException(
                    "tensor '" + name + "' holds " + type + " values, expected FLOAT32 or FLOAT16");
        }
        return values;
    }

    /** The constant contents as longs (shapes, paddings, axes). */
    long[] longs() {
        long[] values = new long[checkedCount()];
        ByteBuffer b = data.duplicate().order(data.order());
        switch (type) {
            case INT32 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = b.getInt(i * Integer.BYTES);
                }
            }
            case INT64 -> b.asLongBuffer().get(values);
            default -> throw new IllegalArgumentException(
                    "tensor '" + name + "' holds " + type + " values, expected INT32 or INT64");
        }
        return values;
    }

    String describe() {
        return "tensor " + index + " '" + name + "' " + type + Arrays.toString(shape);
    }

    private int checkedCount() {
        long count = elementCount();
        int width = switch (type) {
            case FLOAT16 -> 2;
            case INT64 -> 8;
            default -> 4;
        };
        if (count * width != data.remaining()) {
            throw new IllegalArgumentException(describe() + " has " + data.remaining()
                    + " bytes of data, its shape needs " + count * width);
        }
        return (int) count;
    }
}
