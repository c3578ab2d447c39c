package io.driftless.inference.vision;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.ModelAdapter;
import io.driftless.inference.face.RgbImage;
import io.driftless.inference.onnx.OnnxBatchRunner;
import io.driftless.inference.onnx.OnnxModelBuilder;
import io.driftless.inference.onnx.proto.Onnx.TensorProto.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * What each image-model adapter adds to its model, one thread, batch of one, a 640 x 480 frame:
 * pre-processing ({@code encode}: letterbox or stretch into the input tensor), the model alone
 * ({@code session.run}) and post-processing ({@code decode}). The models are stand-ins of the
 * real layouts with known output: YOLO's {@code [1, 84, 8400]} at 640 x 640 (80 classes, 20
 * objects of 5 anchors each over low-score noise) and a 1000-class classifier at 224 x 224. The
 * adapter's cost is that of a real model of the same layout; the stand-in's run is not a real
 * network's (a YOLO11n takes tens of milliseconds on one CPU thread). One real network follows
 * once the module's tests have fetched it: PaddleOCR's text-orientation classifier, whose run is
 * a real compute floor. Not a test: run it by hand
 * on a quiet machine, from the repository root:
 *
 * <pre>
 * mvn -B -q -o -pl model-tools -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test -Djazzer.skip
 * java -cp model-tools/target/test-classes:model-tools/target/classes:$(cat model-tools/target/test-classpath.txt) \
 *     io.driftless.inference.vision.ImageModelAdapterBenchmark
 * </pre>
 */
public final class ImageModelAdapterBenchmark {

    private static final int WARM_UP = 200;
    private static final int RUNS = 500;

    private ImageModelAdapterBenchmark() {}

    public static void main(String[] args) throws Exception {
        Random random = new Random(20261206L);
        byte[] rgb = new byte[640 * 480 * 3];
        random.nextBytes(rgb);
        RgbImage frame = new RgbImage(640, 480, rgb);

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
        byte[] yolo = KnownOutputModels.detector(640, 1, KnownOutputModels.rawLayout(perAnchor), 4 + classes,
                anchors).toByteArray();
        ImageInput yoloInput = new ImageInput("images", 640, 640, ImageInput.TensorLayout.NCHW,
                ImageInput.ChannelOrder.RGB, new float[] {0, 0, 0}, new float[] {1, 1, 1},
                ImageInput.Resize.LETTERBOX, 114);
        YoloDetectionAdapter detector = new YoloDetectionAdapter("yolo-layout", yoloInput, "output0",
                YoloDetectionAdapter.OutputLayout.RAW, Labels.NONE, 0.25f, 0.45f, 100);

        // YOLOv5 at 640 x 640: 25200 anchors a row each; objectness is high on the 20 objects' anchors
        // (the first 100 rows), low (under the minimum score) on the rest, as a real model's mostly is
        int v5Anchors = 25200;
        float[][] v5Rows = new float[v5Anchors][5 + classes];
        for (int a = 0; a < v5Anchors; a++) {
            float[] source = perAnchor[a % anchors];
            System.arraycopy(source, 0, v5Rows[a], 0, 4);
            v5Rows[a][4] = a < 100 ? 1f : random.nextFloat() * 0.2f;
            System.arraycopy(source, 4, v5Rows[a], 5, classes);
        }
        byte[] yolov5 = KnownOutputModels.detector(640, 1, KnownOutputModels.rowPerAnchor(v5Rows), v5Anchors,
                5 + classes).toByteArray();
        YoloDetectionAdapter v5Detector = new YoloDetectionAdapter("yolov5-layout", yoloInput, "output0",
                YoloDetectionAdapter.OutputLayout.YOLOV5, Labels.NONE, 0.25f, 0.45f, 100);

        float[] logits = new float[1000];
        for (int c = 0; c < logits.length; c++) {
            logits[c] = (float) random.nextGaussian() * 3;
        }
        byte[] classifierModel = OnnxModelBuilder.forGraph("classifier")
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
        ImageInput classifierInput = new ImageInput("input", 224, 224, ImageInput.TensorLayout.NCHW,
                ImageInput.ChannelOrder.RGB, new float[] {0.485f, 0.456f, 0.406f},
                new float[] {0.229f, 0.224f, 0.225f}, ImageInput.Resize.STRETCH, 0);
        ClassificationAdapter classifier = new ClassificationAdapter("classifier", classifierInput, "logits",
                ClassificationAdapter.Scores.LOGITS, Labels.NONE, 5);

        System.out.printf(Locale.ROOT, "%-28s %10s %10s %10s %10s %10s%n", "adapter (640x480 frame)", "pre p50",
                "run p50", "post p50", "pre+post", "results");
        measure("YOLO raw 640x640, 84x8400", yolo, detector, frame);
        measure("YOLOv5 640x640, 25200x85", yolov5, v5Detector, frame);
        measure("classifier 224x224, 1000", classifierModel, classifier, frame);

        // a real network: PaddleOCR's text-orientation classifier, which the build fetches for the tests
        Path textOrientation = Path.of("model-tools/target/real-models/ch_ppocr_mobile_v2.0_cls_infer.onnx");
        if (Files.isRegularFile(textOrientation)) {
            byte[] model = Files.readAllBytes(textOrientation);
            String inputName;
            String outputName;
            try (OrtSession session = OnnxBatchRunner.environment().createSession(model)) {
                inputName = session.getInputNames().iterator().next();
                outputName = session.getOutputNames().iterator().next();
            }
            ImageInput textInput = new ImageInput(inputName, 192, 48, ImageInput.TensorLayout.NCHW,
                    ImageInput.ChannelOrder.BGR, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f},
                    ImageInput.Resize.STRETCH, 0);
            measure("text orientation 192x48, 2", model, new ClassificationAdapter("text-orientation", textInput,
                    outputName, ClassificationAdapter.Scores.PROBABILITIES, Labels.NONE, 2), frame);
        }
    }

    private static <O> void measure(String name, byte[] model, ModelAdapter<RgbImage, List<O>> adapter, RgbImage frame)
            throws Exception {
        OrtEnvironment env = OnnxBatchRunner.environment();
        List<RgbImage> batch = List.of(frame);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = env.createSession(model, options)) {
                long[] pre = new long[RUNS];
                long[] run = new long[RUNS];
                long[] post = new long[RUNS];
                int results = 0;
                for (int i = -WARM_UP; i < RUNS; i++) {
                    long t0 = System.nanoTime();
                    Map<String, OnnxTensor> inputs = adapter.encode(env, batch);
                    long t1 = System.nanoTime();
                    try (OrtSession.Result out = session.run(inputs)) {
                        long t2 = System.nanoTime();
                        results = adapter.decode(out, batch).get(0).size();
                        long t3 = System.nanoTime();
                        if (i >= 0) {
                            pre[i] = t1 - t0;
                            run[i] = t2 - t1;
                            post[i] = t3 - t2;
                        }
                    } finally {
                        inputs.values().forEach(OnnxTensor::close);
                    }
                }
                long[] both = new long[RUNS];
                for (int i = 0; i < RUNS; i++) {
                    both[i] = pre[i] + post[i];
                }
                System.out.printf(Locale.ROOT, "%-28s %8.0f us %8.0f us %8.0f us %8.0f us %10d%n", name,
                        p50(pre), p50(run), p50(post), p50(both), results);
            }
        }
    }

    private static double p50(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1000.0;
    }
}
