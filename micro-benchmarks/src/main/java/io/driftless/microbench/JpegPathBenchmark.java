package io.driftless.microbench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.face.FaceDetection;
import io.driftless.inference.face.FaceDetectionAdapter;
import io.driftless.inference.face.RgbImage;
import io.driftless.inference.image.Annotator;
import io.driftless.inference.image.JpegCodec;
import io.driftless.inference.image.JpegLimits;
import io.driftless.source.SyntheticJpegFrames;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One 640 x 480 camera frame through the JPEG path's stages back to back, one thread, batch of
 * one: decode (libjpeg-turbo), the face model (letterbox, run, anchors and NMS), the boxes drawn,
 * encode at the job's default annotated quality. The frames are the load generator's own; the
 * face model runs on one intra-op thread, as each of the job's image threads does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class JpegPathBenchmark {

    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;
    private static final int SOURCE_QUALITY = 80;
    /** The job's default {@code driftless.output.annotated-quality}. */
    private static final int ANNOTATED_QUALITY = 80;
    private static final long SEED = 20_261_121L;

    private final FaceDetectionAdapter faces = new FaceDetectionAdapter();
    private final JpegCodec codec = new JpegCodec(JpegLimits.DEFAULTS);
    private final Annotator annotator = new Annotator(3, 3);
    private OrtEnvironment env;
    private OrtSession.SessionOptions options;
    private OrtSession faceModel;
    private byte[][] jpegs;
    private int next;

    @Setup
    public void open() throws Exception {
        jpegs = SyntheticJpegFrames.encode(SyntheticJpegFrames.bundled(), 4, WIDTH, HEIGHT, SOURCE_QUALITY, SEED)
                .distinctJpegs();
        env = OrtEnvironment.getEnvironment();
        options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        faceModel = env.createSession(FaceDetectionAdapter.bundledModel(), options);
        // a path that finds no face would skip the drawing and measure less than the job does
        for (byte[] jpeg : jpegs) {
            if (detect(codec.decode(jpeg, WIDTH, HEIGHT)).isEmpty()) {
                throw new IllegalStateException("the face model found no face in a load generator frame");
            }
        }
    }

    @TearDown
    public void close() throws OrtException {
        faceModel.close();
        options.close();
    }

    @Benchmark
    public byte[] decodeDetectEncode() throws OrtException {
        byte[] jpeg = jpegs[next];
        next = (next + 1) % jpegs.length;
        RgbImage image = codec.decode(jpeg, WIDTH, HEIGHT);
        annotator.draw(image, detect(image));
        return codec.encode(image, ANNOTATED_QUALITY);
    }

    private List<FaceDetection> detect(RgbImage image) throws OrtException {
        return faces.run(env, faceModel, List.of(image)).get(0);
    }
}
