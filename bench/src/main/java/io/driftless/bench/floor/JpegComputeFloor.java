package io.driftless.bench.floor;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.face.FaceDetection;
import io.driftless.inference.face.FaceDetectionAdapter;
import io.driftless.inference.face.RgbPixels;
import io.driftless.inference.image.Annotator;
import io.driftless.inference.image.DecodedJpeg;
import io.driftless.inference.image.JpegCodec;
import io.driftless.inference.image.JpegLimits;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.pose.FaceKeypoints;
import io.driftless.inference.pose.PoseModelAdapter;
import io.driftless.job.DriftlessOptions;
import io.driftless.source.SyntheticJpegFrames;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compute floor of the JPEG path: what one frame costs the job's stages run back to back on
 * one thread, batch of one, with nothing else in the way: decode, the face model (letterbox,
 * run, anchors and NMS), the pose model on the first face, annotate, encode at the job's
 * annotated quality. The frames are the load generator's own. From the time per frame follows
 * how many 30 fps streams the machine's cores could serve if they did nothing else.
 */
public final class JpegComputeFloor {

    public static final int WIDTH = 640;
    public static final int HEIGHT = 480;
    public static final int QUALITY = 80;

    /**
     * The floor's figures.
     *
     * @param frames frames measured
     * @param msPerFrame mean time per frame, every stage
     * @param stageMs mean time per frame of each stage, in order
     * @param cores the cores the floor assumes, each running frames on its own
     */
    public record Result(long frames, double msPerFrame, Map<String, Double> stageMs, int cores) {

        public Result {
            stageMs = Collections.unmodifiableMap(new LinkedHashMap<>(stageMs));
        }

        /** Streams at {@code fps} the cores could serve: cores x 1000 / (ms per frame x fps). */
        public double streams(int fps) {
            return cores * 1000.0 / (msPerFrame * fps);
        }
    }

    private static final String[] STAGES = {"decode", "face model", "pose model", "annotate", "encode"};
    private static final long SEED = 20_261_121L;
    private static final int SOURCE_USERS = 4;

    private JpegComputeFloor() {}

    /** Warms up for {@code warmUp}, then measures for {@code measure}. */
    public static Result measure(Duration warmUp, Duration measure) throws Exception {
        byte[][] jpegs = SyntheticJpegFrames.encode(SyntheticJpegFrames.bundled(), SOURCE_USERS, WIDTH, HEIGHT,
                QUALITY, SEED).distinctJpegs();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        // one thread per frame, so that the cores multiply the single-thread figure
        try (OrtSession.SessionOptions options = RunnerOptions.builder().intraOpThreads(1).build().sessionOptions()) {
            try (OrtSession faceModel = env.createSession(FaceDetectionAdapter.bundledModel(), options);
                    OrtSession poseModel = env.createSession(PoseModelAdapter.bundledModel(), options)) {
                Stages stages = new Stages(env, faceModel, poseModel);
                stages.loop(jpegs, warmUp, new long[STAGES.length]);
                long[] nanos = new long[STAGES.length];
                long frames = stages.loop(jpegs, measure, nanos);
                Map<String, Double> stageMs = new LinkedHashMap<>();
                double total = 0;
                for (int s = 0; s < STAGES.length; s++) {
                    double ms = nanos[s] / 1e6 / frames;
                    stageMs.put(STAGES[s], ms);
                    total += ms;
                }
                return new Result(frames, total, stageMs, Runtime.getRuntime().availableProcessors());
            }
        }
    }

    /** The stages with their models and codec, one thread. */
    private static final class Stages {
        private final OrtEnvironment env;
        private final OrtSession faceModel;
        private final OrtSession poseModel;
        private final FaceDetectionAdapter faces = new FaceDetectionAdapter();
        private final PoseModelAdapter poses = new PoseModelAdapter();
        private final JpegCodec codec = new JpegCodec(JpegLimits.DEFAULTS);
        private final Annotator annotator = new Annotator(3, 3);
        private final int quality = DriftlessOptions.ANNOTATED_QUALITY.defaultValue();

        Stages(OrtEnvironment env, OrtSession faceModel, OrtSession poseModel) {
            this.env = env;
            this.faceModel = faceModel;
            this.poseModel = poseModel;
        }

        /** Runs frames for {@code duration}, adding each stage's time to {@code nanos}; returns the frames. */
        long loop(byte[][] jpegs, Duration duration, long[] nanos) throws Exception {
            long end = System.nanoTime() + duration.toNanos();
            long frames = 0;
            while (System.nanoTime() < end) {
                byte[] jpeg = jpegs[(int) (frames % jpegs.length)];
                long t0 = System.nanoTime();
                long t1;
                long t2;
                long t3;
                long t4;
                try (DecodedJpeg image = codec.decodeFrame(jpeg, WIDTH, HEIGHT)) {
                    t1 = System.nanoTime();
                    List<FaceDetection> found = faces.run(env, faceModel, List.<RgbPixels>of(image)).get(0);
                    if (found.isEmpty()) {
                        throw new IllegalStateException("the face model found no face in the load generator's frame");
                    }
                    t2 = System.nanoTime();
                    List<FaceKeypoints> keypoints = List.of(found.get(0).toFaceKeypoints(WIDTH, HEIGHT, 0));
                    poses.run(env, poseModel, keypoints);
                    t3 = System.nanoTime();
                    annotator.draw(image, found);
                    t4 = System.nanoTime();
                    codec.encode(image, quality);
                }
                long t5 = System.nanoTime();
                nanos[0] += t1 - t0;
                nanos[1] += t2 - t1;
                nanos[2] += t3 - t2;
                nanos[3] += t4 - t3;
                nanos[4] += t5 - t4;
                frames++;
            }
            return frames;
        }
    }
}
