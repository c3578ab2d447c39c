package io.driftless.inference.face;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.awt.geom.AffineTransform;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a face detection's time goes, one thread, batch of one, on a 640 x 480 frame:
 * letterbox (pre-processing), the model alone in ONNX Runtime, and anchor decoding plus NMS
 * (post-processing). Not a test: run it by hand on a quiet machine, from the repository root:
 *
 * <pre>
 * mvn -B -q -pl model-core -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java -cp model-core/target/test-classes:model-core/target/classes:$(cat model-core/target/test-classpath.txt) \
 *     io.driftless.inference.face.FaceDetectorBenchmark
 * </pre>
 */
public final class FaceDetectorBenchmark {

    private static final int WARM_UP = 2_000;
    private static final int RUNS = 5_000;

    private FaceDetectorBenchmark() {}

    public static void main(String[] args) throws Exception {
        RgbImage frame = FaceImages.rgb(FaceImages.transformed(FaceImages.astronaut(),
                AffineTransform.getScaleInstance(1.25, 1.25), 640, 480));
        FaceDetectionAdapter adapter = new FaceDetectionAdapter();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<RgbImage> batch = List.of(frame);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = env.createSession(FaceDetectionAdapter.bundledModel(), options)) {
                FloatBuffer pixels = ByteBuffer.allocateDirect(128 * 128 * 3 * Float.BYTES)
                        .order(ByteOrder.nativeOrder()).asFloatBuffer();
                long[] pre = new long[RUNS];
                long[] model = new long[RUNS];
                long[] post = new long[RUNS];
                int faces = 0;
                for (int i = -WARM_UP; i < RUNS; i++) {
                    long t0 = System.nanoTime();
                    pixels.clear();
                    Letterbox.fit(frame.width(), frame.height(), 128).write(frame, pixels);
                    pixels.rewind();
                    long t1 = System.nanoTime();
                    try (OnnxTensor input = OnnxTensor.createTensor(env, pixels, new long[] {1, 128, 128, 3});
                            OrtSession.Result out = session.run(Map.of(FaceDetectionAdapter.INPUT_NAME, input))) {
                        long t2 = System.nanoTime();
                        faces = adapter.decode(out, batch).get(0).size();
                        long t3 = System.nanoTime();
                        if (i >= 0) {
                            pre[i] = t1 - t0;
                            model[i] = t2 - t1;
                            post[i] = t3 - t2;
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "640x480 frame, %d faces, %d runs after %d warm-up, one thread:%n",
                        faces, RUNS, WARM_UP);
                print("letterbox 640x480 -> 128x128", pre);
                print("model (ONNX Runtime, batch 1)", model);
                print("decode + weighted NMS", post);
                for (int size : new int[] {2, 4, 8}) {
                    batchOf(size, env, session, pixels);
                }
            }
        }
    }

    /** The model alone on a batch, per image: what micro-batching buys under load. */
    private static void batchOf(int size, OrtEnvironment env, OrtSession session, FloatBuffer one) throws Exception {
        FloatBuffer pixels = ByteBuffer.allocateDirect(size * 128 * 128 * 3 * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < size; i++) {
            one.rewind();
            pixels.put(one);
        }
        int runs = RUNS / size;
        long[] perImage = new long[runs];
        for (int i = -WARM_UP / size; i < runs; i++) {
            pixels.rewind();
            long t0 = System.nanoTime();
            try (OnnxTensor input = OnnxTensor.createTensor(env, pixels, new long[] {size, 128, 128, 3});
                    OrtSession.Result out = session.run(Map.of(FaceDetectionAdapter.INPUT_NAME, input))) {
                long elapsed = System.nanoTime() - t0;
                if (out.size() != 2) {
                    throw new IllegalStateException("the face model gave " + out.size() + " outputs, expected 2");
                }
                if (i >= 0) {
                    perImage[i] = elapsed / size;
                }
            }
        }
        print("model, batch of " + size + ", per image", perImage);
    }

    private static void print(String stage, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "  %-32s p50 %6.3f ms   p99 %6.3f ms%n", stage,
                sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6);
    }
}
