package io.driftless.inference.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftless.inference.Inference;
import io.driftless.inference.MicroClock;
import io.driftless.inference.face.RgbImage;
import io.driftless.inference.face.RgbPixels;
import io.driftless.inference.onnx.OnnxBatchRunner;
import io.driftless.inference.onnx.OnnxModelBuilder;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.onnx.proto.Onnx.TensorProto.DataType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a model folder, and every way a folder is refused, each with a message that says what differs. */
class ModelFolderTest {

    @TempDir
    Path dir;

    /** One cat at (20, 30) in a 64 x 64 input, the raw YOLO layout with two classes. */
    private static final float[] ONE_CAT = KnownOutputModels.rawLayout(new float[][] {{20, 30, 10, 10, 0.9f, 0.1f}});

    private static byte[] rawDetector(long batch) {
        return KnownOutputModels.detector(64, batch, ONE_CAT, 6, 1).toByteArray();
    }

    private Path folder(String descriptor, byte[] model, String labels) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("m" + System.nanoTime()));
        Files.writeString(folder.resolve(ModelDescriptor.FILE_NAME), descriptor);
        if (model != null) {
            Files.write(folder.resolve("model.onnx"), model);
        }
        if (labels != null) {
            Files.writeString(folder.resolve("labels.txt"), labels, StandardCharsets.UTF_8);
        }
        return folder;
    }

    @Test
    void aDetectorFolderLoadsAndServesThroughTheRunner() throws Exception {
        ImageModel model = ModelFolder.load(folder("family=detection\nname=pets\nlabels=labels.txt\n",
                rawDetector(OnnxModelBuilder.BATCH), "cat\ndog\n"));
        assertThat(model.name()).isEqualTo("pets");
        assertThat(model.input().width()).isEqualTo(64);
        assertThat(model.input().resize()).isEqualTo(ImageInput.Resize.LETTERBOX);
        assertThat(model.maxBatchSize()).isEqualTo(Integer.MAX_VALUE);
        RgbImage frame = new RgbImage(128, 64, new byte[128 * 64 * 3]);
        try (OnnxBatchRunner<RgbPixels, ImageAnswer> runner = new OnnxBatchRunner<>(model.onnx(), model.adapter(),
                RunnerOptions.DEFAULTS, MicroClock.system(), frame)) {
            Inference<ImageAnswer> answer = runner.submit(frame, Long.MAX_VALUE / 2).join();
            assertThat(answer.result().classes()).isEmpty();
            assertThat(answer.result().objects()).singleElement().satisfies(cat -> {
                assertThat(cat.label()).isEqualTo("cat");
                assertThat(cat.left()).isEqualTo(30f);
                assertThat(cat.top()).isEqualTo(18f);
            });
        }
    }

    /** YOLOv5's layout, eight anchors of cat and dog: one cat at (20, 30), objectness 0.9, the rest empty. */
    private static byte[] v5Detector() {
        float[][] anchors = new float[8][7];
        anchors[0] = new float[] {20, 30, 10, 10, 0.9f, 1f, 0.1f};
        return KnownOutputModels.detector(64, OnnxModelBuilder.BATCH, KnownOutputModels.rowPerAnchor(anchors), 8, 7)
                .toByteArray();
    }

    @Test
    void aYolov5FolderLoadsAndServesWithItsClassIds() throws Exception {
        ImageModel model = ModelFolder.load(folder("family=detection\noutput.layout=yolov5\nlabels=labels.txt\n",
                v5Detector(), "cat\ndog\n"));
        RgbImage frame = new RgbImage(128, 64, new byte[128 * 64 * 3]);
        try (OnnxBatchRunner<RgbPixels, ImageAnswer> runner = new OnnxBatchRunner<>(model.onnx(), model.adapter(),
                RunnerOptions.DEFAULTS, MicroClock.system(), frame)) {
            Inference<ImageAnswer> answer = runner.submit(frame, Long.MAX_VALUE / 2).join();
            assertThat(answer.result().objects()).singleElement().satisfies(cat -> {
                assertThat(cat.classId()).isZero();
                assertThat(cat.label()).isEqualTo("cat");
                assertThat(cat.left()).isEqualTo(30f);
                assertThat(cat.top()).isEqualTo(18f);
            });
        }
    }

    @Test
    void ultralyticsNamesMetadataLabelsADetectorWithoutALabelsFile() throws Exception {
        byte[] model = KnownOutputModels.detector(64, 1, ONE_CAT, 6, 1)
                .metadata("names", "{0: 'person', 1: \"traffic light\"}")
                .toByteArray();
        ImageModel loaded = ModelFolder.load(folder("family=detection\n", model, null));
        assertThat(loaded.labels().names()).containsExactly("person", "traffic light");
        // exported with a fixed batch of one: the runner must not batch it
        assertThat(loaded.maxBatchSize()).isEqualTo(1);
    }

    @Test
    void aDynamicYoloExportTakesItsSizeFromItsMetadata() throws Exception {
        // as yolo export dynamic=True writes it: batch, height and width open, imgsz [h, w] in the metadata
        byte[] model = KnownOutputModels.detector(OnnxModelBuilder.BATCH, OnnxModelBuilder.BATCH,
                OnnxModelBuilder.BATCH, ONE_CAT, 6, 1).metadata("imgsz", "[480, 640]").toByteArray();
        ImageModel loaded = ModelFolder.load(folder("family=detection\n", model, null));
        assertThat(loaded.input().width()).isEqualTo(640);
        assertThat(loaded.input().height()).isEqualTo(480);
        // the descriptor's word wins over the metadata
        ImageModel declared = ModelFolder.load(folder("family=detection\ninput.width=320\ninput.height=320\n",
                model, null));
        assertThat(declared.input().width()).isEqualTo(320);
        byte[] bare = KnownOutputModels.detector(OnnxModelBuilder.BATCH, OnnxModelBuilder.BATCH,
                OnnxModelBuilder.BATCH, ONE_CAT, 6, 1).toByteArray();
        assertRefused("family=detection\n", bare, "leaves its width open; set input.width");
    }

    @Test
    void aClassifierFolderLoadsWithItsNormalisation() throws Exception {
        ImageModel model = ModelFolder.load(folder("""
                family = classification
                input.width = 8
                input.height = 8
                input.mean = 0.485, 0.456, 0.406
                input.std = 0.229, 0.224, 0.225
                labels = labels.txt
                classification.top-k = 2
                """, KnownOutputModels.channelMeans(ImageInput.TensorLayout.NCHW, 8).toByteArray(),
                "red\ngreen\nblue\n"));
        assertThat(model.family()).isEqualTo(ModelDescriptor.Family.CLASSIFICATION);
        assertThat(model.input().mean()).containsExactly(0.485f, 0.456f, 0.406f);
        assertThat(model.input().resize()).isEqualTo(ImageInput.Resize.STRETCH);
        assertThat(model.descriptor().topK()).isEqualTo(2);
    }

    @Test
    void refusesAFolderWithoutDescriptor() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("bare"));
        assertThatThrownBy(() -> ModelFolder.load(folder)).isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("has no model.properties");
        assertThatThrownBy(() -> ModelFolder.load(dir.resolve("absent"))).hasMessageContaining("is not a directory");
    }

    @Test
    void refusesMalformedDescriptors() {
        byte[] model = rawDetector(OnnxModelBuilder.BATCH);
        assertRefused("name=x\n", model, "needs family = detection or classification");
        assertRefused("family=segmentation\n", model, "family must be one of [detection, classification]");
        assertRefused("family=detection\ninput.widht=640\n", model, "unknown keys [input.widht]");
        assertRefused("family=detection\ndetection.min-score=high\n", model,
                "detection.min-score must be a number from 0.0 to 1.0, got 'high'");
        assertRefused("family=detection\ninput.mean=0.5,0.5\n", model, "input.mean must be three numbers");
        assertRefused("family=detection\ninput.std=0,1,1\n", model, "input.std must be positive");
        assertRefused("family=detection\noutput.layout=logits\n", model,
                "output.layout logits is not a detection layout; use raw, nms or yolov5");
        assertRefused("family=classification\ninput.layout=nwhc\n", model, "input.layout must be one of [nchw, nhwc]");
        assertRefused("family=detection\ninput.width=\n", model, "input.width is blank");
        assertRefused("family=detection\ninput.width=0\n", model, "input.width must be a whole number from 1 to 4096");
    }

    @Test
    void refusesMissingFiles() throws IOException {
        assertRefused("family=detection\n", null, "model file 'model.onnx' is not a file in the folder");
        assertRefused("family=detection\nlabels=names.txt\n", rawDetector(OnnxModelBuilder.BATCH),
                "labels file 'names.txt' is not a file in the folder");
        assertRefused("family=detection\nmodel=../elsewhere.onnx\n", rawDetector(OnnxModelBuilder.BATCH),
                "model file '../elsewhere.onnx' is not a file in the folder");
        Path folder = folder("family=detection\n", "not onnx".getBytes(StandardCharsets.UTF_8), null);
        assertThatThrownBy(() -> ModelFolder.load(folder)).hasMessageContaining("ONNX Runtime cannot load model.onnx");
    }

    @Test
    void refusesAModelWhoseInputDiffersFromTheDescriptor() {
        byte[] model = rawDetector(OnnxModelBuilder.BATCH);
        assertRefused("family=detection\ninput.width=640\n", model,
                "input 'images' [-1, 3, 64, 64] has width 64 but the descriptor's input.width is 640");
        assertRefused("family=detection\ninput.layout=nhwc\n", model,
                "input 'images' [-1, 3, 64, 64] is not a three-channel NHWC image");
        assertRefused("family=detection\ninput.name=pixels\n", model, "the model has no input 'pixels'; its inputs are"
                + " [images]");
        byte[] open = OnnxModelBuilder.forGraph("open")
                .input("x", DataType.FLOAT, OnnxModelBuilder.BATCH,
                        3, OnnxModelBuilder.BATCH, OnnxModelBuilder.BATCH)
                .node("ReduceMean", List.of("x"), List.of("y"), OnnxModelBuilder.intsAttribute("axes", 2, 3),
                        OnnxModelBuilder.intAttribute("keepdims", 0))
                .output("y", DataType.FLOAT, OnnxModelBuilder.BATCH,
                        3)
                .toByteArray();
        assertRefused("family=classification\n", open, "leaves its width open; set input.width");
        byte[] fixedBatch = KnownOutputModels.detector(64, 4, ONE_CAT, 6, 1).toByteArray();
        assertRefused("family=detection\n", fixedBatch, "has a fixed batch of 4");
    }

    @Test
    void refusesAModelWhoseOutputDiffersFromTheDescriptor() {
        assertRefused("family=detection\noutput.layout=nms\n", rawDetector(OnnxModelBuilder.BATCH),
                "output 'output0' [-1, 6, 1] is not the YOLO NMS layout [N, detections, 6]");
        byte[] nms = KnownOutputModels.detector(64, OnnxModelBuilder.BATCH, new float[300 * 6], 300, 6).toByteArray();
        assertRefused("family=detection\n", nms, "output 'output0' [-1, 300, 6] is not the YOLO layout"
                + " [N, 4 + classes, anchors] that output.layout = raw expects; it looks like output.layout = nms");
        assertRefused("family=detection\nlabels=labels.txt\n", rawDetector(OnnxModelBuilder.BATCH), "a\nb\nc\n",
                "output 'output0' [-1, 6, 1] has 2 classes but there are 3 labels");
        assertRefused("family=detection\n", v5Detector(), "output 'output0' [-1, 8, 7] is not the YOLO layout"
                + " [N, 4 + classes, anchors] that output.layout = raw expects; it looks like output.layout = yolov5");
        assertRefused("family=detection\noutput.layout=nms\n", v5Detector(), "output 'output0' [-1, 8, 7] is not"
                + " the YOLO NMS layout [N, detections, 6] that output.layout = nms expects; it looks like"
                + " output.layout = yolov5");
        byte[] rawEightAnchors = KnownOutputModels.detector(64, OnnxModelBuilder.BATCH, new float[6 * 8], 6, 8)
                .toByteArray();
        assertRefused("family=detection\noutput.layout=yolov5\n", rawEightAnchors, "output 'output0' [-1, 6, 8] is"
                + " not the YOLOv5 layout [N, anchors, 5 + classes] that output.layout = yolov5 expects; it looks like"
                + " output.layout = raw");
        byte[] fiveColumns = KnownOutputModels.detector(64, OnnxModelBuilder.BATCH, new float[8 * 5], 8, 5)
                .toByteArray();
        assertRefused("family=detection\noutput.layout=yolov5\n", fiveColumns, "output 'output0' [-1, 8, 5] is not"
                + " the YOLOv5 layout [N, anchors, 5 + classes]");
        assertRefused("family=detection\noutput.layout=yolov5\nlabels=labels.txt\n", v5Detector(), "a\nb\nc\n",
                "output 'output0' [-1, 8, 7] has 2 classes but there are 3 labels");
        assertRefused("family=classification\ninput.width=64\ninput.height=64\n", rawDetector(OnnxModelBuilder.BATCH),
                "output 'output0' [-1, 6, 1] is not the classifier layout [N, classes]");
    }

    private void assertRefused(String descriptor, byte[] model, String message) {
        assertRefused(descriptor, model, null, message);
    }

    private void assertRefused(String descriptor, byte[] model, String labels, String message) {
        Path folder;
        try {
            folder = folder(descriptor, model, labels);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        assertThatThrownBy(() -> ModelFolder.load(folder)).isInstanceOf(ModelFolderException.class)
                .hasMessageContaining(folder.toAbsolutePath().toString())
                .hasMessageContaining(message);
    }
}
