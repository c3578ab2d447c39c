package io.driftless.inference.face;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.image.Annotator;
import io.driftless.inference.image.JpegCodec;
import io.driftless.inference.image.JpegLimits;
import io.driftless.inference.pose.FaceKeypoints;
import io.driftless.inference.pose.PoseEstimate;
import io.driftless.inference.pose.PoseModelAdapter;
import java.awt.geom.AffineTransform;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where one 640 x 480 JPEG frame's time goes on the job's JPEG path, stage by stage, one thread,
 * batch of one: decode (libjpeg-turbo), pre-process (letterbox to 128 x 128 in plain Java), the
 * face model, post-process (anchors and NMS), the pose model on the first face, annotate, encode
 * (quality 80). For comparison it also times what the letterbox replaces: Leptonica's smoothed
 * resize of the decoded frame to the detector's scale. Not a test: run it by hand, from the
 * repository root:
 *
 * <pre>
 * mvn -B -q -pl model-core -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java -cp model-core/target/test-classes:model-core/target/classes:$(cat model-core/target/test-classpath.txt) \
 *     io.driftless.inference.face.JpegPathBenchmark [RUNS]
 * </pre>
 */
public final class JpegPathBenchmark {

    private static final int WARM_UP = 500;

    private JpegPathBenchmark() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        JpegCodec codec = new JpegCodec(JpegLimits.DEFAULTS);
        RgbImage source = FaceImages.rgb(FaceImages.transformed(FaceImages.astronaut(),
                AffineTransform.getScaleInstance(1.25, 1.25), 640, 480));
        byte[] jpeg = codec.encode(source, 80);
        FaceDetectionAdapter faces = new FaceDetectionAdapter();
        PoseModelAdapter poses = new PoseModelAdapter();
        Annotator annotator = new Annotator(3, 3);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        String[] stages = {"decode JPEG 640x480", "pre-process (letterbox 128x128)", "face model (batch 1)",
            "post-process (anchors + NMS)", "pose model (first face)", "annotate", "encode JPEG q80",
            "total", "(Leptonica resize to 128x96)"};
        long[][] nanos = new long[stages.length][runs];
        int found = 0;
        int bytesOut = 0;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession faceModel = env.createSession(FaceDetectionAdapter.bundledModel(), options);
                    OrtSession poseModel = env.createSession(PoseModelAdapter.bundledModel(), options)) {
                FloatBuffer pixels = ByteBuffer.allocateDirect(128 * 128 * 3 * Float.BYTES)
                        .order(ByteOrder.nativeOrder()).asFloatBuffer();
                for (int i = -WARM_UP; i < runs; i++) {
                    long t0 = System.nanoTime();
                    RgbImage image = codec.decode(jpeg, 640, 480);
                    long t1 = System.nanoTime();
                    pixels.clear();
                    Letterbox.fit(image.width(), image.height(), FaceDetectionAdapter.INPUT_SIZE).write(image, pixels);
                    pixels.rewind();
                    long t2 = System.nanoTime();
                    List<FaceDetection> detected;
                    long t3;
                    try (OnnxTensor input = OnnxTensor.createTensor(env, pixels, new long[] {1, 128, 128, 3});
                            OrtSession.Result out = faceModel.run(Map.of(FaceDetectionAdapter.INPUT_NAME, input))) {
                        t3 = System.nanoTime();
                        detected = faces.decode(out, List.of(image)).get(0);
                    }
                    long t4 = System.nanoTime();
                    List<FaceKeypoints> keypoints = List.of(detected.get(0).toFaceKeypoints(640, 480, 0));
                    Map<String, OnnxTensor> poseInput = poses.encode(env, keypoints);
                    PoseEstimate pose;
                    try (OrtSession.Result out = poseModel.run(poseInput)) {
                        pose = poses.decode(out, keypoints).get(0);
                    } finally {
                        poseInput.values().forEach(OnnxTensor::close);
                    }
                    long t5 = System.nanoTime();
                    annotator.draw(image, detected);
                    long t6 = System.nanoTime();
                    byte[] annotated = codec.encode(image, 80);
                    long t7 = System.nanoTime();
                    RgbImage resized = codec.resize(image, 128, 96);
                    long t8 = System.nanoTime();
                    if (i >= 0) {
                        long[] stamps = {t0, t1, t2, t3, t4, t5, t6, t7};
                        for (int s = 0; s < 7; s++) {
                            nanos[s][i] = stamps[s + 1] - stamps[s];
                        }
                        nanos[7][i] = t7 - t0;
                        nanos[8][i] = t8 - t7;
                    }
                    if (!(pose.confidence() > 0) || resized.width() != 128) {
                        throw new IllegalStateException("the pose model or the resize gave nothing usable");
                    }
                    found = detected.size();
                    bytesOut = annotated.length;
                }
            }
        }
        System.out.printf(Locale.ROOT, "JPEG path, 640x480 frame (%d bytes in, %d bytes out), %d face(s), %d runs"
                + " after %d warm-up, one thread:%n", jpeg.length, bytesOut, found, runs, WARM_UP);
        for (int s = 0; s < stages.length; s++) {
            print(stages[s], nanos[s]);
        }
    }

    private static void print(String stage, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "  %-34s p50 %7.3f ms   p99 %7.3f ms%n", stage,
                sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6);
    }
}
