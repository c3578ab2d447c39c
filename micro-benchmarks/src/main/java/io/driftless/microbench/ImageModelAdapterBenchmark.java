package io.driftless.microbench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.ModelAdapter;
import io.driftless.inference.face.RgbImage;
import io.driftless.inference.face.RgbPixels;
import io.driftless.inference.onnx.OnnxBatchRunner;
import io.driftless.inference.onnx.OnnxModelBuilder;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.onnx.proto.Onnx.TensorProto.DataType;
import io.driftless.inference.vision.ClassificationAdapter;
import io.driftless.inference.vision.ImageInput;
import io.driftless.inference.vision.KnownOutputModels;
import io.driftless.inference.vision.Labels;
import io.driftless.inference.vision.ModelDescriptor;
import io.driftless.inference.vision.ModelFolder;
import io.driftless.inference.vision.TextOrientationClassifier;
import io.driftless.inference.vision.YoloDetectionAdapter;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What each image-model adapter adds to its model, one thread, batch of one, a 640 x 480 frame:
 * pre-processing ({@link #encode}: letterbox or stretch into the input tensor), the model alone
 * ({@link #run}: the compute floor) and post-processing ({@link #decode}).
 *
 * <ul>
 *   <li>{@code yolo}: YOLO v8/v11's raw layout {@code [1, 84, 8400]} at 640 x 640, 80 classes, 20
 *       objects of 5 anchors each over low-score noise;
 *   <li>{@code yolov5}: YOLOv5's {@code [1, 25200, 85]}, the same objects, the other anchors'
 *       objectness under the minimum score;
 *   <li>{@code classifier}: a 1000-class classifier at 224 x 224, ImageNet normalisation;
 *   <li>{@code text-orientation}: a real network, PaddleOCR's text-orientation classifier at
 *       192 x 48, which model-tools' build fetches for its tests (build model-tools first).
 * </ul>
 *
 * The first three are stand-ins of known output ({@link KnownOutputModels}): the adapter's cost is
 * that of a real model of the same layout, their run is not a real network's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ImageModelAdapterBenchmark {

    /** Where model-tools' build leaves the real classifier, from the repository root or a module. */
    private static final List<Path> TEXT_ORIENTATION = List.of(
            Path.of("model-tools/target", TextOrientationClassifier.FILE),
            Path.of("../model-tools/target", TextOrientationClassifier.FILE));

    @Param({"yolo", "yolov5", "classifier", "text-orientation"})
    String adapter;

    private ModelAdapter<RgbPixels, ?> model;
    private OrtEnvironment env;
    private OrtSession.SessionOptions options;
    private OrtSession session;
    private List<RgbPixels> batch;
    private Map<String, OnnxTensor> inputs;
    private OrtSession.Result outputs;

    @Setup
    public void open() throws Exception {
        Random random = new Random(20261206L);
        byte[] rgb = new byte[640 * 480 * 3];
        random.nextBytes(rgb);
        batch = List.of(new RgbImage(640, 480, rgb));
        byte[] onnx = switch (adapter) {
            case "yolo" -> yolo(random, false);
            case "yolov5" -> yolo(random, true);
            case "classifier" -> classifier(random);
            case "text-orientation" -> textOrientation();
            default -> throw new IllegalArgumentException("no adapter " + adapter);
        };
        env = OnnxBatchRunner.environment();
        options = RunnerOptions.builder().intraOpThreads(1).build().sessionOptions();
        session = env.createSession(onnx, options);
        inputs = model.encode(env, batch);
        outputs = session.run(inputs);
    }

    @TearDown
    public void close() throws OrtException {
        outputs.close();
        inputs.values().forEach(OnnxTensor::close);
        session.close();
        options.close();
    }

    @Benchmark
    public int encode() throws OrtException {
        Map<String, OnnxTensor> encoded = model.encode(env, batch);
        int size = encoded.size();
        encoded.values().forEach(OnnxTensor::close);
        return size;
    }

    @Benchmark
    public long run() throws OrtException {
        try (OrtSession.Result result = session.run(inputs)) {
            return result.size();
        }
    }

    @Benchmark
    public List<?> decode() throws OrtException {
        return model.decode(outputs, batch);
    }

    /** A YOLO stand-in in the raw layout, or YOLOv5's; sets {@link #model} to its adapter. */
    private byte[] yolo(Random random, boolean v5) {
        int anchors = 8400;
        int classes = 80;
        float[][] perAnchor = new float[anchors][4 + classes];
        for (int a = 0; a < anchors; a++) {
            perAnchor[a][0] = random.nextFloat() * 640;
            perAnchor[a][1] = random.nextFloat() * 640;
            perAnchor[a][2] = 10 + random.nextFloat() * 100;
            perAnchor[a][3] = 10 + random.nextFloat() * 100;
            for (int c = 0; c < classes; c++) {
                perAnchor[a][4 + c] = random.nextFloat() * 0.2f;
            }
        }
        for (int object = 0; object < 20; object++) {
            float cx = 50 + random.nextFloat() * 540;
            float cy = 130 + random.nextFloat() * 380;
            int cls = random.nextInt(classes);
            for (int k = 0; k < 5; k++) {
                float[] a = perAnchor[object * 5 + k];
                a[0] = cx + k;
                a[1] = cy - k;
                a[2] = 60;
                a[3] = 80;
                a[4 + cls] = 0.9f - 0.05f * k;
            }
        }
        ImageInput input = new ImageInput("images", 640, 640, ImageInput.TensorLayout.NCHW,
                ImageInput.ChannelOrder.RGB, new float[] {0, 0, 0}, new float[] {1, 1, 1},
                ImageInput.Resize.LETTERBOX, 114);
        if (!v5) {
            model = new YoloDetectionAdapter(adapter, input, "output0", YoloDetectionAdapter.OutputLayout.RAW,
                    Labels.NONE, 0.25f, 0.45f, 100);
            return KnownOutputModels.detector(640, 1, KnownOutputModels.rawLayout(perAnchor), 4 + classes, anchors)
                    .toByteArray();
        }
        // 25200 anchors a row each; objectness high on the 20 objects' anchors (the first 100 rows)
        int v5Anchors = 25200;
        float[][] rows = new float[v5Anchors][5 + classes];
        for (int a = 0; a < v5Anchors; a++) {
            float[] source = perAnchor[a % anchors];
            System.arraycopy(source, 0, rows[a], 0, 4);
            rows[a][4] = a < 100 ? 1f : random.nextFloat() * 0.2f;
            System.arraycopy(source, 4, rows[a], 5, classes);
        }
        model = new YoloDetectionAdapter(adapter, input, "output0", YoloDetectionAdapter.OutputLayout.YOLOV5,
                Labels.NONE, 0.25f, 0.45f, 100);
        return KnownOutputModels.detector(640, 1, KnownOutputModels.rowPerAnchor(rows), v5Anchors, 5 + classes)
                .toByteArray();
    }

    /** A 1000-class stand-in whose logits are fixed; sets {@link #model} to its adapter. */
    private byte[] classifier(Random random) {
        float[] logits = new float[1000];
        for (int c = 0; c < logits.length; c++) {
            logits[c] = (float) random.nextGaussian() * 3;
        }
        model = new ClassificationAdapter(adapter, new ImageInput("input", 224, 224, ImageInput.TensorLayout.NCHW,
                ImageInput.ChannelOrder.RGB, new float[] {0.485f, 0.456f, 0.406f},
                new float[] {0.229f, 0.224f, 0.225f}, ImageInput.Resize.STRETCH, 0), "logits",
                ClassificationAdapter.Scores.LOGITS, Labels.NONE, 5);
        return OnnxModelBuilder.forGraph("classifier")
                .input("input", DataType.FLOAT, 1, 3, 224, 224)
                .initializer("zero", new float[] {0f}, 1)
                .initializer("answer", logits, 1, 1000)
                .node("ReduceMean", List.of("input"), List.of("mean"), OnnxModelBuilder.intsAttribute("axes", 2, 3),
                        OnnxModelBuilder.intAttribute("keepdims", 0))
                .node("ReduceMean", List.of("mean"), List.of("one"), OnnxModelBuilder.intsAttribute("axes", 1),
                        OnnxModelBuilder.intAttribute("keepdims", 1))
                .node("Mul", List.of("one", "zero"), List.of("zeros"))
                .node("Add", List.of("zeros", "answer"), List.of("logits"))
                .output("logits", DataType.FLOAT, 1, 1000)
                .toByteArray();
    }

    /**
     * The real classifier, with its adapter made from a descriptor as a user's model folder gives
     * it (docs/bring-your-own-model.md); sets {@link #model} to that adapter.
     */
    private byte[] textOrientation() throws IOException {
        for (Path path : TEXT_ORIENTATION) {
            if (Files.isRegularFile(path)) {
                byte[] onnx = Files.readAllBytes(path);
                Properties descriptor = new Properties();
                descriptor.load(new StringReader(TextOrientationClassifier.DESCRIPTOR));
                model = ModelFolder.check(ModelDescriptor.parse(descriptor, adapter), onnx,
                        Labels.fromLines(TextOrientationClassifier.LABELS)).adapter();
                return onnx;
            }
        }
        throw new IllegalStateException("no " + TEXT_ORIENTATION.get(0) + ": build model-tools first"
                + " (mvn -B -pl model-tools -am package -DskipTests), which fetches it");
    }
}
