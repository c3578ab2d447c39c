package io.driftless.bench.floor;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.FaceKeypoints;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import io.driftless.inference.pose.PoseEstimate;
import io.driftless.inference.pose.PoseModelAdapter;
import io.driftless.job.DriftlessOptions;
import io.driftless.job.DriftlessOptions.Smoothing;
import io.driftless.job.gate.KalmanWorkspace;
import io.driftless.job.gate.RenderState;
import io.driftless.job.gate.TrackedPose;
import io.driftless.source.AnchorTrack;
import io.driftless.source.HeadMotion;
import io.driftless.source.MotionProfile;
import io.driftless.source.RunSummary.PixelError;
import io.driftless.source.SyntheticConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The drift floor: what drift is left when nothing is late. The synthetic users' heads, their
 * keypoints with the synthetic users' noise, the bundled pose model, then what the render gate
 * does ({@link RenderState#track}: the session's motion state, the pose drawn as {@link Smoothing}
 * says; then anchors and their velocities), every answer in before the next frame is shown: each
 * frame shown carries the previous frame's answer one frame period ahead. No broker, no queue, no
 * clock: the same figures on any machine, so a change to the filters can be judged apart from
 * load. Three ways to draw:
 * <ul>
 *   <li>as answered: the anchors where the answer put them;
 *   <li>carried at the job's velocities, as clients draw ({@link AnchorTrack});
 *   <li>carried along the line through the last answers (67 ms), as a client does without them.
 * </ul>
 */
public final class DriftFloor {

    /** The drift of one motion profile, each way of drawing, in pixels at 640 × 480. */
    public record Result(MotionProfile motion, PixelError asAnswered, PixelError atJobVelocities,
            PixelError alongClientLine) {}

    public static final int WIDTH = 640;
    public static final int HEIGHT = 480;
    private static final int FPS = 30;
    /** The first second is left out: the filters have not settled and no client would judge by it. */
    private static final int SETTLE_FRAMES = FPS;
    private static final int BATCH = 64;
    private static final long SEED = 20_261_206L;

    private DriftFloor() {}

    /**
     * The floor of each profile over {@code users} users' first {@code seconds} seconds, the pose
     * drawn as the job draws it by default.
     */
    public static List<Result> measure(int users, int seconds) throws Exception {
        return measure(users, seconds, DriftlessOptions.SMOOTHING.defaultValue());
    }

    /** The floor of each profile with the pose drawn as {@code smoothing} says. */
    public static List<Result> measure(int users, int seconds, Smoothing smoothing) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession model = env.createSession(PoseModelAdapter.bundledModel(), options)) {
            List<Result> results = new ArrayList<>();
            for (MotionProfile motion : MotionProfile.values()) {
                results.add(measure(env, model, motion, users, seconds * FPS, smoothing));
            }
            return results;
        }
    }

    private static Result measure(OrtEnvironment env, OrtSession model, MotionProfile profile, int users, int frames,
            Smoothing smoothing) throws OrtException {
        PinholeCamera camera = PinholeCamera.withHorizontalFov(WIDTH, HEIGHT, PinholeCamera.DEFAULT_HORIZONTAL_FOV_DEG);
        PoseModelAdapter adapter = new PoseModelAdapter();
        KalmanWorkspace workspace = new KalmanWorkspace();
        Errors answered = new Errors();
        Errors carried = new Errors();
        Errors line = new Errors();
        long frameNanos = 1_000_000_000L / FPS;
        for (int user = 0; user < users; user++) {
            HeadMotion head = HeadMotion.forUser(SEED, user, camera, profile);
            List<PoseEstimate> poses = measuredPoses(env, model, adapter, head, camera, frames, new SplittableRandom(SEED + user));
            RenderState session = new RenderState();
            AnchorTrack atVelocities = new AnchorTrack();
            AnchorTrack alongLine = new AnchorTrack();
            for (int f = 0; f < frames; f++) {
                long captureNanos = f * frameNanos;
                if (f > SETTLE_FRAMES) {
                    // frame f is shown with the answers up to frame f - 1
                    float[] truth = FaceGeometry.projectAnchors(head.at(captureNanos / 1e9), camera);
                    answered.add(atVelocities.newest(), truth);
                    carried.add(atVelocities.at(captureNanos), truth);
                    line.add(alongLine.at(captureNanos), truth);
                }
                HeadPose measured = poses.get(f).pose();
                double[] pose = {measured.yawDeg(), measured.pitchDeg(), measured.rollDeg(), measured.xM(),
                    measured.yM(), measured.zM()};
                TrackedPose tracked = session.track(pose, camera, captureNanos / 1_000, smoothing, workspace);
                float[] anchors = FaceGeometry.projectAnchors(tracked.drawn(), camera);
                atVelocities.add(captureNanos, anchors, tracked.rates() == null ? null
                        : FaceGeometry.anchorVelocities(tracked.drawn(), tracked.rates(), camera));
                alongLine.add(captureNanos, anchors, null);
            }
        }
        return new Result(profile, answered.pixels(), carried.pixels(), line.pixels());
    }

    /** The pose model's answers to the user's frames, keypoints noisy as the synthetic users send them. */
    private static List<PoseEstimate> measuredPoses(OrtEnvironment env, OrtSession model, PoseModelAdapter adapter,
            HeadMotion head, PinholeCamera camera, int frames, SplittableRandom noise) throws OrtException {
        List<FaceKeypoints> keypoints = new ArrayList<>(frames);
        for (int f = 0; f < frames; f++) {
            float[] xy = FaceGeometry.projectKeypoints(head.at((double) f / FPS), camera);
            for (int i = 0; i < xy.length; i++) {
                xy[i] += (float) (noise.nextGaussian() * SyntheticConfig.DEFAULT_NOISE_PX);
            }
            keypoints.add(new FaceKeypoints(xy, WIDTH, HEIGHT, (float) camera.focalPx()));
        }
        List<PoseEstimate> poses = new ArrayList<>(frames);
        for (int from = 0; from < frames; from += BATCH) {
            poses.addAll(adapter.run(env, model, keypoints.subList(from, Math.min(frames, from + BATCH))));
        }
        return poses;
    }

    /** Each anchor's distance from where it truly is, one sample per anchor per frame shown. */
    private static final class Errors {
        private double[] samples = new double[4096];
        private int count;

        void add(float[] drawn, float[] truth) {
            for (int i = 0; i < truth.length; i += 2) {
                if (count == samples.length) {
                    samples = Arrays.copyOf(samples, 2 * count);
                }
                samples[count++] = Math.hypot(drawn[i] - truth[i], drawn[i + 1] - truth[i + 1]);
            }
        }

        PixelError pixels() {
            double[] sorted = Arrays.copyOf(samples, count);
            Arrays.sort(sorted);
            return new PixelError(Arrays.stream(sorted).average().orElse(Double.NaN), at(sorted, 0.95), at(sorted, 0.99));
        }

        private static double at(double[] sorted, double quantile) {
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)];
        }
    }
}
