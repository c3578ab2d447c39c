package io.driftless.bench.floor;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.FaceKeypoints;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import io.driftless.inference.pose.PoseModelAdapter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.HdrHistogram.Histogram;

/**
 * The compute floor: the bundled pose model called in a loop on one thread, with the job's
 * session options (intra-op threads as the runner's default, all graph optimisations) and the
 * adapter's own encode and decode, so the figure is what one model call costs and nothing else.
 */
public final class ComputeFloor {

    /**
     * One batch size's figures.
     *
     * @param batchSize frames per model call
     * @param calls model calls measured
     * @param framesPerS frames per second through the loop
     * @param p50Ms call latency median (encode, run, decode)
     * @param p99Ms call latency 99th percentile
     * @param maxMs longest call
     */
    public record Result(int batchSize, long calls, double framesPerS, double p50Ms, double p99Ms, double maxMs) {}

    private static final long SEED = 20_261_121L;

    private ComputeFloor() {}

    /** Warms up for {@code warmUp}, then measures for {@code measure}. */
    public static Result measure(int batchSize, Duration warmUp, Duration measure) throws Exception {
        PoseModelAdapter adapter = new PoseModelAdapter();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<FaceKeypoints> batch = faces(batchSize);
        try (OrtSession.SessionOptions options = RunnerOptions.DEFAULTS.sessionOptions()) {
            try (OrtSession session = env.createSession(PoseModelAdapter.bundledModel(), options)) {
                loop(adapter, env, session, batch, warmUp, new Histogram(3));
                Histogram micros = new Histogram(3);
                long start = System.nanoTime();
                long calls = loop(adapter, env, session, batch, measure, micros);
                double seconds = (System.nanoTime() - start) / 1e9;
                return new Result(batchSize, calls, calls * batchSize / seconds,
                        micros.getValueAtPercentile(50) / 1e3, micros.getValueAtPercentile(99) / 1e3,
                        micros.getMaxValue() / 1e3);
            }
        }
    }

    private static long loop(PoseModelAdapter adapter, OrtEnvironment env, OrtSession session,
            List<FaceKeypoints> batch, Duration duration, Histogram micros) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        long calls = 0;
        while (System.nanoTime() < end) {
            long start = System.nanoTime();
            adapter.run(env, session, batch);
            micros.recordValue((System.nanoTime() - start) / 1_000);
            calls++;
        }
        return calls;
    }

    /** Seeded faces at poses within the synthetic users' range, from a 640x480 camera. */
    private static List<FaceKeypoints> faces(int n) {
        PinholeCamera camera = PinholeCamera.withHorizontalFov(640, 480, PinholeCamera.DEFAULT_HORIZONTAL_FOV_DEG);
        Random random = new Random(SEED);
        List<FaceKeypoints> faces = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            HeadPose pose = new HeadPose(random.nextGaussian() * 15, random.nextGaussian() * 10,
                    random.nextGaussian() * 5, random.nextGaussian() * 0.03, random.nextGaussian() * 0.03,
                    0.45 + random.nextDouble() * 0.2);
            faces.add(new FaceKeypoints(FaceGeometry.projectKeypoints(pose, camera), camera.width(), camera.height(),
                    (float) camera.focalPx()));
        }
        return faces;
    }
}
