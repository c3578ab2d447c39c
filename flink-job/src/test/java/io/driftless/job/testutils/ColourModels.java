package io.driftless.job.testutils;

import static io.driftless.inference.onnx.OnnxModelBuilder.intAttribute;
import static io.driftless.inference.onnx.OnnxModelBuilder.intsAttribute;

import io.driftless.inference.onnx.OnnxModelBuilder;
import io.driftless.inference.onnx.proto.Onnx.TensorProto.DataType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Users' image models whose answers are known from the frame alone: each class's score is the
 * mean of one colour channel over the model's input, so a solid red frame is "red". Built as
 * ONNX graphs and written as model folders (ONNX file, descriptor, labels) as a user would.
 */
public final class ColourModels {

    /** The classes in channel order. */
    public static final List<String> LABELS = List.of("red", "green", "blue");

    private ColourModels() {}

    /**
     * A YOLO raw-layout detector of {@code size} × {@code size} NCHW input with one anchor, at
     * {@code box} (centre x, centre y, width, height in model pixels): {@code output0 [N, 7, 1]}.
     */
    public static byte[] detector(int size, float[] box) {
        return OnnxModelBuilder.forGraph("colour-detector")
                .input("images", DataType.FLOAT, OnnxModelBuilder.BATCH, 3, size, size)
                .initializer("box", box, 1, 4, 1)
                .initializer("zero", new float[] {0f}, 1)
                .initializer("column", new long[] {0, 3, 1}, 3)
                .node("ReduceMean", List.of("images"), List.of("means"), intsAttribute("axes", 2, 3),
                        intAttribute("keepdims", 1))
                .node("Reshape", List.of("means", "column"), List.of("scores"))
                // [N, 1, 1] zeros added to the box: the box broadcast over the batch
                .node("ReduceMean", List.of("scores"), List.of("any"), intsAttribute("axes", 1),
                        intAttribute("keepdims", 1))
                .node("Mul", List.of("any", "zero"), List.of("zeros"))
                .node("Add", List.of("zeros", "box"), List.of("boxes"))
                .node("Concat", List.of("boxes", "scores"), List.of("output0"), intAttribute("axis", 1))
                .output("output0", DataType.FLOAT, OnnxModelBuilder.BATCH, 7, 1)
                .toByteArray();
    }

    /** A classifier whose three logits are the image's channel means, 224 × 224 NCHW. */
    public static byte[] classifier() {
        return OnnxModelBuilder.forGraph("colour-classifier")
                .input("pixels", DataType.FLOAT, OnnxModelBuilder.BATCH, 3, 224, 224)
                .node("ReduceMean", List.of("pixels"), List.of("logits"), intsAttribute("axes", 2, 3),
                        intAttribute("keepdims", 0))
                .output("logits", DataType.FLOAT, OnnxModelBuilder.BATCH, 3)
                .toByteArray();
    }

    /** Writes the model folder {@code parent/name}: model.onnx, model.properties and labels.txt. */
    public static Path folder(Path parent, String name, String descriptor, byte[] model) throws IOException {
        Path folder = Files.createDirectories(parent.resolve(name));
        Files.write(folder.resolve("model.onnx"), model);
        Files.writeString(folder.resolve("model.properties"), descriptor);
        Files.writeString(folder.resolve("labels.txt"), String.join("\n", LABELS) + "\n");
        return folder;
    }
}
