package io.driftless.local.testutils;

import static io.driftless.inference.onnx.OnnxModelBuilder.intAttribute;
import static io.driftless.inference.onnx.OnnxModelBuilder.intsAttribute;

import io.driftless.inference.onnx.OnnxModelBuilder;
import io.driftless.inference.onnx.proto.Onnx.TensorProto.DataType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Model folders for {@code --model}, built from ONNX graphs of known output. */
public final class ImageModelFolders {

    private ImageModelFolders() {}

    /** A classifier named colour-names whose three logits are the image's channel means, 224 × 224 NCHW. */
    public static Path colourClassifier(Path dir) throws IOException {
        return colourClassifier(dir, "family = classification\nname = colour-names\nlabels = labels.txt\n");
    }

    /** The same model with another descriptor, e.g. one that does not fit it. */
    public static Path colourClassifier(Path dir, String descriptor) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("colours"));
        Files.write(folder.resolve("model.onnx"), OnnxModelBuilder.forGraph("colour-classifier")
                .input("pixels", DataType.FLOAT, OnnxModelBuilder.BATCH, 3, 224, 224)
                .node("ReduceMean", List.of("pixels"), List.of("logits"), intsAttribute("axes", 2, 3),
                        intAttribute("keepdims", 0))
                .output("logits", DataType.FLOAT, OnnxModelBuilder.BATCH, 3)
                .toByteArray());
        Files.writeString(folder.resolve("model.properties"), descriptor);
        Files.writeString(folder.resolve("labels.txt"), "red\ngreen\nblue\n");
        return folder;
    }
}
