package io.driftless.microbench;

import static io.driftless.microbench.CameraFrames.HEIGHT;
import static io.driftless.microbench.CameraFrames.WIDTH;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.face.FaceDetection;
import io.driftless.inference.face.FaceDetectionAdapter;
import io.driftless.inference.face.RgbImage;
import io.driftless.inference.face.RgbPixels;
import io.driftless.inference.image.Annotator;
import io.driftless.inference.image.DecodedJpeg;
import io.driftless.inference.image.JpegCodec;
import io.driftless.inference.image.JpegLimits;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.pose.FaceKeypoints;
import io.driftless.inference.pose.PoseEstimate;
import io.driftless.inference.pose.PoseModelAdapter;
import java.util.List;
import java.util.Map;
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
 * One 640 x 480 camera frame on the JPEG path, one thread, batch of one: {@link #decodeDetectEncode}
 * runs it whole (decode, the face model with its letterbox and NMS, the boxes drawn, encode at the
 * job's default annotated quality); the other benchmarks time each stage alone, to show what a
 * change to it can shed: decode (libjpeg-turbo), pre-process (the face adapter's letterbox into
 * its input tensor), the face model alone, post-process (anchors and weighted NMS), the pose model
 * on the first face, the boxes drawn, encode; beside them, Leptonica's smoothed resize to the
 * detector's scale, which the letterbox replaces. The frames are the load generator's own; the
 * models run on one intra-op thread, as each of the job's image threads does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JpegPathBenchmark {

    /** The job's default {@code driftless.output.annotated-quality}. */
    private static final int ANNOTATED_QUALITY = 80;

    private final FaceDetectionAdapter faces = new FaceDetectionAdapter();
    private final PoseModelAdapter poses = new PoseModelAdapter();
    private final JpegCodec codec = new JpegCodec(JpegLimits.DEFAULTS);
    private final Annotator annotator = new Annotator(3, 3);
    private OrtEnvironment env;
    private OrtSession.SessionOptions options;
    private OrtSession faceModel;
    private OrtSession poseModel;
    private byte[][] jpegs;
    private int next;
    private DecodedJpeg decoded;
    private List<RgbPixels> frame;
    private RgbImage heapFrame;
    private Map<String, OnnxTensor> faceInput;
    private OrtSession.Result faceOutput;
    private List<FaceDetection> detections;
    private List<FaceKeypoints> firstFace;

    @Setup
    public void open() throws Exception {
        jpegs = CameraFrames.jpegs(4);
        env = OrtEnvironment.getEnvironment();
        options = RunnerOptions.builder().intraOpThreads(1).build().sessionOptions();
        faceModel = env.createSession(FaceDetectionAdapter.bundledModel(), options);
        poseModel = env.createSession(PoseModelAdapter.bundledModel(), options);
        decoded = codec.decodeFrame(jpegs[0], WIDTH, HEIGHT);
        frame = List.of(decoded);
        heapFrame = codec.decode(jpegs[0], WIDTH, HEIGHT);
        faceInput = faces.encode(env, frame);
        faceOutput = faceModel.run(faceInput);
        detections = faces.decode(faceOutput, frame).get(0);
        // a frame without a face would skip the pose model and the drawing, and measure less than the job does
        if (detections.isEmpty()) {
            throw new IllegalStateException("the face model found no face in a load generator frame");
        }
        firstFace = List.of(detections.get(0).toFaceKeypoints(WIDTH, HEIGHT, 0));
    }

    @TearDown
    public void close() throws OrtException {
        faceOutput.close();
        faceInput.values().forEach(OnnxTensor::close);
        poseModel.close();
        faceModel.close();
        options.close();
        decoded.close();
    }

    @Benchmark
    public byte[] decodeDetectEncode() throws OrtException {
        try (DecodedJpeg image = codec.decodeFrame(nextJpeg(), WIDTH, HEIGHT)) {
            annotator.draw(image, faces.run(env, faceModel, List.of(image)).get(0));
            return codec.encode(image, ANNOTATED_QUALITY);
        }
    }

    /** Into native memory, as the job decodes a frame, and freed again. */
    @Benchmark
    public int decode() {
        try (DecodedJpeg image = codec.decodeFrame(nextJpeg(), WIDTH, HEIGHT)) {
            return image.pixel(0, 0);
        }
    }

    /** Onto the Java heap, as the job's JPEG path did until 2026-12-07. */
    @Benchmark
    public RgbImage decodeToHeap() {
        return codec.decode(nextJpeg(), WIDTH, HEIGHT);
    }

    private byte[] nextJpeg() {
        byte[] jpeg = jpegs[next];
        next = (next + 1) % jpegs.length;
        return jpeg;
    }

    /** The adapter keeps its input memory per thread: this writes the same frame into {@code faceInput}'s. */
    @Benchmark
    public long preProcess() throws OrtException {
        Map<String, OnnxTensor> input = faces.encode(env, frame);
        try {
            return input.get(FaceDetectionAdapter.INPUT_NAME).getInfo().getShape()[0];
        } finally {
            input.values().forEach(OnnxTensor::close);
        }
    }

    @Benchmark
    public int faceModel() throws OrtException {
        try (OrtSession.Result out = faceModel.run(faceInput)) {
            return out.size();
        }
    }

    @Benchmark
    public List<List<FaceDetection>> postProcess() throws OrtException {
        return faces.decode(faceOutput, frame);
    }

    @Benchmark
    public List<PoseEstimate> poseModel() throws OrtException {
        return poses.run(env, poseModel, firstFace);
    }

    @Benchmark
    public DecodedJpeg annotate() {
        annotator.draw(decoded, detections);
        return decoded;
    }

    /** From native memory, as the job encodes the annotated frame. */
    @Benchmark
    public byte[] encode() {
        return codec.encode(decoded, ANNOTATED_QUALITY);
    }

    /** From the Java heap, as the job's JPEG path did until 2026-12-07 and the load generator encodes its frames. */
    @Benchmark
    public byte[] encodeFromHeap() {
        return codec.encode(heapFrame, ANNOTATED_QUALITY);
    }

    @Benchmark
    public RgbImage leptonicaResize() {
        return codec.resize(heapFrame, FaceDetectionAdapter.INPUT_SIZE, FaceDetectionAdapter.INPUT_SIZE * HEIGHT / WIDTH);
    }
}
