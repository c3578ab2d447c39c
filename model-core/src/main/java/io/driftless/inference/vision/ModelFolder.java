package io.driftless.inference.vision;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.driftless.inference.ModelAdapter;
import io.driftless.inference.face.RgbPixels;
import io.driftless.inference.onnx.OnnxBatchRunner;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a user's image model from a folder: the ONNX file and its {@value ModelDescriptor#FILE_NAME}
 * (and a labels file, one class name a line, when the descriptor names one).
 *
 * <p>The model is opened once and checked against the descriptor before anything is served: its
 * input must be one float image tensor of the declared layout and size, its output must have the
 * family's layout, and the labels must count the model's classes. What does not match is refused
 * with a {@link ModelFolderException} that says what the descriptor says and what the model has.
 *
 * <pre>{@code
 * ImageModel model = ModelFolder.load(Path.of("models/yolo11n"));
 * OnnxBatchRunner<RgbPixels, ImageAnswer> runner = new OnnxBatchRunner<>(model.onnx(), model.adapter(),
 *         options, clock, warmUpImage);
 * }</pre>
 */
public final class ModelFolder {

    /** The metadata key under which Ultralytics exports store their class names. */
    public static final String NAMES_METADATA = "names";

    /**
     * The metadata key under which Ultralytics exports store their input size, {@code [height,
     * width]}: an export with {@code dynamic=True} leaves the input's sides open in the graph.
     */
    public static final String IMGSZ_METADATA = "imgsz";

    private static final Pattern IMGSZ = Pattern.compile("\\[\\s*(\\d+)\\s*,\\s*(\\d+)\\s*]");

    private ModelFolder() {}

    /** {@code d} with the exported size for the sides it leaves open, where the model's metadata has one. */
    private static ModelDescriptor withExportedSize(ModelDescriptor d, String imgsz) {
        Matcher m = imgsz == null ? null : IMGSZ.matcher(imgsz.strip());
        if (m == null || !m.matches() || (d.width() != null && d.height() != null)) {
            return d;
        }
        int height = Integer.parseInt(m.group(1));
        int width = Integer.parseInt(m.group(2));
        return new ModelDescriptor(d.family(), d.name(), d.modelFile(), d.inputName(),
                d.width() != null ? d.width() : Integer.valueOf(width),
                d.height() != null ? d.height() : Integer.valueOf(height), d.layout(), d.channels(), d.mean(),
                d.std(), d.resize(), d.padValue(), d.outputName(), d.output(), d.labelsFile(), d.minScore(),
                d.maxIou(), d.maxDetections(), d.topK());
    }

    /** Loads and checks the model in {@code folder}; throws {@link ModelFolderException} if it cannot be served. */
    public static ImageModel load(Path folder) {
        String where = "model folder " + folder.toAbsolutePath();
        if (!Files.isDirectory(folder)) {
            throw new ModelFolderException(where + " is not a directory");
        }
        Path descriptorFile = folder.resolve(ModelDescriptor.FILE_NAME);
        if (!Files.isRegularFile(descriptorFile)) {
            throw new ModelFolderException(where + " has no " + ModelDescriptor.FILE_NAME
                    + "; it says what the model is (family = detection or classification, ...)");
        }
        ModelDescriptor descriptor;
        try (Reader in = Files.newBufferedReader(descriptorFile, StandardCharsets.UTF_8)) {
            Properties properties = new Properties();
            properties.load(in);
            descriptor = ModelDescriptor.parse(properties, folder.toAbsolutePath().getFileName().toString());
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelFolderException(where + ": cannot read " + ModelDescriptor.FILE_NAME + ": " + e.getMessage(),
                    e);
        } catch (ModelFolderException e) {
            throw new ModelFolderException(where + ": " + e.getMessage(), e);
        }
        byte[] onnx = readFile(folder, descriptor.modelFile(), "model", where);
        Labels labels = descriptor.labelsFile() == null ? null
                : Labels.fromLines(new String(readFile(folder, descriptor.labelsFile(), "labels", where),
                        StandardCharsets.UTF_8));
        if (labels != null && labels.isEmpty()) {
            throw new ModelFolderException(where + ": labels file " + descriptor.labelsFile() + " has no labels");
        }
        try {
            return check(descriptor, onnx, labels);
        } catch (ModelFolderException e) {
            throw new ModelFolderException(where + ": " + e.getMessage(), e);
        }
    }

    /** Checks {@code onnx} against {@code descriptor}, for a model whose files are already read. */
    public static ImageModel check(ModelDescriptor descriptor, byte[] onnx, Labels labels) {
        OrtEnvironment env = OnnxBatchRunner.environment();
        try (OrtSession session = env.createSession(onnx)) {
            Map.Entry<String, TensorInfo> input = only(session.getInputInfo(), descriptor.inputName(), "input");
            Map.Entry<String, TensorInfo> output = only(session.getOutputInfo(), descriptor.outputName(), "output");
            Map<String, String> metadata = session.getMetadata().getCustomMetadata();
            if (labels == null && descriptor.family() == ModelDescriptor.Family.DETECTION) {
                labels = Labels.fromUltralyticsNames(metadata.get(NAMES_METADATA));
            }
            return build(withExportedSize(descriptor, metadata.get(IMGSZ_METADATA)), onnx,
                    labels == null ? Labels.NONE : labels, input, output);
        } catch (OrtException e) {
            throw new ModelFolderException("ONNX Runtime cannot load " + descriptor.modelFile() + ": "
                    + e.getMessage(), e);
        }
    }

    private static ImageModel build(ModelDescriptor d, byte[] onnx, Labels labels, Map.Entry<String, TensorInfo> in,
            Map.Entry<String, TensorInfo> out) {
        long[] shape = in.getValue().getShape();
        String inputText = "input '" + in.getKey() + "' " + Arrays.toString(shape);
        if (in.getValue().type != OnnxJavaType.FLOAT) {
            throw new ModelFolderException(inputText + " is of type " + in.getValue().type
                    + "; image models must take float input");
        }
        boolean nchw = d.layout() == ImageInput.TensorLayout.NCHW;
        if (shape.length != 4 || shape[nchw ? 1 : 3] != 3) {
            throw new ModelFolderException(inputText + " is not a three-channel " + d.layout() + " image (the"
                    + " descriptor's input.layout expects " + (nchw ? "[N, 3, H, W]" : "[N, H, W, 3]") + ")");
        }
        int width = size(shape[nchw ? 3 : 2], d.width(), "width", inputText);
        int height = size(shape[nchw ? 2 : 1], d.height(), "height", inputText);
        if (shape[0] > 1) {
            throw new ModelFolderException(inputText + " has a fixed batch of " + shape[0]
                    + "; export it with a dynamic batch (or a batch of 1)");
        }
        int maxBatch = shape[0] == 1 ? 1 : Integer.MAX_VALUE;
        ImageInput input = d.input(in.getKey(), width, height);
        long[] outShape = out.getValue().getShape();
        String outputText = "output '" + out.getKey() + "' " + Arrays.toString(outShape);
        ModelAdapter<RgbPixels, ImageAnswer> adapter = switch (d.output()) {
            case RAW -> {
                // a raw export has thousands of anchors under its 4 + classes rows; six or more columns under
                // more rows is an export with a row an object: six columns the NMS export, more YOLOv5's
                boolean rowPerObject = outShape.length == 3 && outShape[2] >= 6 && outShape[1] > outShape[2];
                if (outShape.length != 3 || (outShape[1] > 0 && outShape[1] < 5) || rowPerObject) {
                    throw new ModelFolderException(outputText + " is not the YOLO layout [N, 4 + classes, anchors]"
                            + " that output.layout = raw expects"
                            + (!rowPerObject ? "" : outShape[2] == 6
                                    ? "; it looks like output.layout = nms (or yolov5 with one class)"
                                    : "; it looks like output.layout = yolov5"));
                }
                requireClassCount(labels, outShape[1] - 4, outputText);
                yield ImageModel.detector(new YoloDetectionAdapter(d.name(), input, out.getKey(),
                        YoloDetectionAdapter.OutputLayout.RAW, labels, d.minScore(), d.maxIou(), d.maxDetections()));
            }
            case NMS -> {
                if (outShape.length != 3 || outShape[2] != 6) {
                    throw new ModelFolderException(outputText + " is not the YOLO NMS layout [N, detections, 6]"
                            + " that output.layout = nms expects" + otherDetectionLayout(outShape));
                }
                yield ImageModel.detector(new YoloDetectionAdapter(d.name(), input, out.getKey(),
                        YoloDetectionAdapter.OutputLayout.NMS, labels, d.minScore(), d.maxIou(), d.maxDetections()));
            }
            case YOLOV5 -> {
                // an export has far more anchors than classes: more columns than rows is the raw layout
                if (outShape.length != 3 || (outShape[2] > 0 && outShape[2] < 6)
                        || (outShape[1] > 0 && outShape[2] > outShape[1])) {
                    throw new ModelFolderException(outputText + " is not the YOLOv5 layout [N, anchors, 5 + classes]"
                            + " that output.layout = yolov5 expects" + otherDetectionLayout(outShape));
                }
                requireClassCount(labels, outShape[2] - 5, outputText);
                yield ImageModel.detector(new YoloDetectionAdapter(d.name(), input, out.getKey(),
                        YoloDetectionAdapter.OutputLayout.YOLOV5, labels, d.minScore(), d.maxIou(),
                        d.maxDetections()));
            }
            case LOGITS, PROBABILITIES -> {
                if (outShape.length != 2) {
                    throw new ModelFolderException(outputText + " is not the classifier layout [N, classes]");
                }
                requireClassCount(labels, outShape[1], outputText);
                yield ImageModel.classifier(new ClassificationAdapter(d.name(), input, out.getKey(),
                        d.output() == ModelDescriptor.OutputKind.LOGITS ? ClassificationAdapter.Scores.LOGITS
                                : ClassificationAdapter.Scores.PROBABILITIES,
                        labels, d.topK()));
            }
        };
        return new ImageModel(d, onnx, input, labels, maxBatch, adapter);
    }

    /** For a refusal: the detection layout a three-dimensional output's shape fits, if one does. */
    private static String otherDetectionLayout(long[] shape) {
        if (shape.length != 3 || shape[1] <= 0 || shape[2] <= 0) {
            return "";
        }
        if (shape[1] < shape[2]) {
            return "; it looks like output.layout = raw";
        }
        if (shape[2] < 6) {
            return "";
        }
        return shape[2] == 6 ? "; it looks like output.layout = nms" : "; it looks like output.layout = yolov5";
    }

    /** The model's side, or the descriptor's where the model leaves it open; they must agree where both say. */
    private static int size(long model, Integer declared, String what, String inputText) {
        if (model > 0 && declared != null && model != declared) {
            throw new ModelFolderException(inputText + " has " + what + " " + model + " but the descriptor's input."
                    + what + " is " + declared);
        }
        if (model > 0) {
            return (int) model;
        }
        if (declared == null) {
            throw new ModelFolderException(inputText + " leaves its " + what + " open; set input." + what
                    + " in the descriptor");
        }
        return declared;
    }

    private static void requireClassCount(Labels labels, long classes, String outputText) {
        if (classes > 0 && !labels.isEmpty() && labels.size() != classes) {
            throw new ModelFolderException(outputText + " has " + classes + " classes but there are "
                    + labels.size() + " labels");
        }
    }

    private static Map.Entry<String, TensorInfo> only(Map<String, NodeInfo> nodes, String name, String what) {
        if (name == null && nodes.size() != 1) {
            throw new ModelFolderException("the model has " + nodes.size() + " " + what + "s " + nodes.keySet()
                    + "; name the image's in " + what + ".name");
        }
        NodeInfo node = name == null ? nodes.values().iterator().next() : nodes.get(name);
        if (node == null) {
            throw new ModelFolderException("the model has no " + what + " '" + name + "'; its " + what + "s are "
                    + nodes.keySet());
        }
        if (!(node.getInfo() instanceof TensorInfo tensor)) {
            throw new ModelFolderException(what + " '" + node.getName() + "' is not a tensor");
        }
        return Map.entry(node.getName(), tensor);
    }

    private static byte[] readFile(Path folder, String name, String what, String where) {
        Path file = folder.resolve(name).normalize();
        if (!file.startsWith(folder.normalize()) || !Files.isRegularFile(file)) {
            throw new ModelFolderException(where + ": " + what + " file '" + name + "' is not a file in the folder");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelFolderException(where + ": cannot read " + what + " file " + file + ": " + e, e);
        }
    }
}
