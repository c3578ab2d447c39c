package io.driftless.microbench;

import io.driftless.inference.pose.PinholeCamera;
import io.driftless.job.gate.KalmanWorkspace;
import io.driftless.job.gate.MotionFilter;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One frame's update of a session's motion state in the render gate (three joint Kalman filters
 * over the pose, each frame weighed by its own covariance): the largest part of the job's task
 * thread per landmark frame. A head turning back and forth at up to 45°/s, measured with the pose
 * model's typical error, 30 frames a second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MotionFilterBenchmark {

    private static final int FRAMES = 1_024;
    private static final long FRAME_US = 33_333;

    private final PinholeCamera camera =
            PinholeCamera.withHorizontalFov(640, 480, PinholeCamera.DEFAULT_HORIZONTAL_FOV_DEG);
    private final KalmanWorkspace workspace = new KalmanWorkspace();
    private final double[][] poses = new double[FRAMES][];
    private MotionFilter filter;
    private long captureUs;
    private int next;

    @Setup
    public void measurePoses() {
        Random noise = new Random(7);
        for (int i = 0; i < FRAMES; i++) {
            // the sequence wraps around where the turn is back at its start, so it never jumps
            double phase = 2 * Math.PI * i / FRAMES;
            poses[i] = new double[] {
                30 * Math.sin(phase * 8) + 0.8 * noise.nextGaussian(),
                5 * Math.sin(phase * 2) + 0.8 * noise.nextGaussian(),
                2 * Math.sin(phase) + 0.5 * noise.nextGaussian(),
                0.02 * Math.sin(phase) + 0.001 * noise.nextGaussian(),
                0.01 * Math.cos(phase) + 0.001 * noise.nextGaussian(),
                0.5 + 0.02 * Math.sin(phase) + 0.006 * noise.nextGaussian()
            };
        }
        filter = new MotionFilter();
        captureUs = 1_765_000_000_000_000L;
    }

    @Benchmark
    public boolean update() {
        captureUs += FRAME_US;
        double[] pose = poses[next];
        next = (next + 1) % FRAMES;
        return filter.update(pose, camera, captureUs, workspace);
    }
}
