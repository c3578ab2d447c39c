package io.driftless.inference.vision;

import static io.driftless.inference.onnx.OnnxModelBuilder.intAttribute;
import static io.driftless.inference.onnx.OnnxModelBuilder.intsAttribute;

import io.driftless.inference.onnx.OnnxModelBuilder;
import io.driftless.inference.onnx.proto.Onnx.TensorProto.DataType;
import java.util.List;

/**
 * Real ONNX models in the layouts user models come in, whose outputs are known: the detectors
 * answer every image with the same constant tensor (broadcast over the batch), the classifier's
 * logits are the image's mean per channel. The adapters' tests check their decoding against
 * them; the adapters' benchmark runs them as stand-ins of real networks of those layouts.
 */
public final class KnownOutputModels {

    private KnownOutputModels() {}

    /**
     * A detector taking {@code images [batch, 3, size, size]} and answering {@code output0} =
     * {@code constant} of shape {@code [1, rows, columns]} for every image. {@code batch} is
     * {@link OnnxModelBuilder#BATCH} for a dynamic batch.
     */
    public static OnnxModelBuilder detector(int size, long batch, float[] constant, int rows, int columns) {
        return detector(size, size, batch, constant, rows, columns);
    }

    /** As above with the input's height and width given apart; {@link OnnxModelBuilder#BATCH} leaves a side open. */
    public static OnnxModelBuilder detector(long height, long width, long batch, float[] constant, int rows, int columns) {
        return OnnxModelBuilder.forGraph("detector")
                .input("images", DataType.FLOAT, batch, 3, height, width)
                .initializer("zero", new float[] {0f}, 1)
                .initializer("perImage", new long[] {0, 1, 1}, 3)
                .initializer("answer", constant, 1, rows, columns)
                // [N, 1, 1, 1] -> [N, 1, 1] of zeros: keeps the batch dimension, so the constant broadcasts over it
                .node("ReduceMean", List.of("images"), List.of("mean"), intsAttribute("axes", 1, 2, 3),
                        intAttribute("keepdims", 1))
                .node("Reshape", List.of("mean", "perImage"), List.of("mean3"))
                .node("Mul", List.of("mean3", "zero"), List.of("zeros"))
                .node("Add", List.of("zeros", "answer"), List.of("output0"))
                .output("output0", DataType.FLOAT, batch, rows, columns);
    }

    /**
     * The YOLO layout {@code [N, 4 + classes, anchors]} from boxes given per anchor as {@code cx,
     * cy, w, h, score of class 0, score of class 1, ...}.
     */
    public static float[] rawLayout(float[][] anchors) {
        int rows = anchors[0].length;
        float[] out = new float[rows * anchors.length];
        for (int a = 0; a < anchors.length; a++) {
            for (int r = 0; r < rows; r++) {
                out[r * anchors.length + a] = anchors[a][r];
            }
        }
        return out;
    }

    /** A layout with a row an anchor (YOLOv5's {@code [N, anchors, 5 + classes]}) from its rows. */
    public static float[] rowPerAnchor(float[][] anchors) {
        int columns = anchors[0].length;
        float[] out = new float[columns * anchors.length];
        for (int a = 0; a < anchors.length; a++) {
            System.arraycopy(anchors[a], 0, out, a * columns, columns);
        }
        return out;
    }

    /** A classifier whose logits are the mean of each input channel, in the layout given. */
    public static OnnxModelBuilder channelMeans(ImageInput.TensorLayout layout, int size) {
        boolean nchw = layout == ImageInput.TensorLayout.NCHW;
        OnnxModelBuilder b = OnnxModelBuilder.forGraph("classifier");
        if (nchw) {
            b.input("pixels", DataType.FLOAT, OnnxModelBuilder.BATCH, 3, size, size);
        } else {
            b.input("pixels", DataType.FLOAT, OnnxModelBuilder.BATCH, size, size, 3);
        }
        return b.node("ReduceMean", List.of("pixels"), List.of("logits"),
                        nchw ? intsAttribute("axes", 2, 3) : intsAttribute("axes", 1, 2), intAttribute("keepdims", 0))
                .output("logits", DataType.FLOAT, OnnxModelBuilder.BATCH, 3);
    }
}
