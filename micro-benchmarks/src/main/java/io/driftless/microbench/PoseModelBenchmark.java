package io.driftless.microbench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.FaceKeypoints;
import io.driftless.inference.pose.PinholeCamera;
import io.driftless.inference.pose.PoseEstimate;
import io.driftless.inference.pose.PoseModelAdapter;
import io.driftless.source.SyntheticConfig;
import io.driftless.source.internal.SessionIds;
import io.driftless.source.internal.SyntheticUsers;
import java.util.ArrayList;
import java.util.List;
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
 * One call of the bundled pose model on a batch of faces: the adapter's encode, the ONNX
 * Runtime run and the adapter's decode, with the session options the job's runner uses by
 * default. Batch 1 is a frame on an idle job; batch 64 is what micro-batching gathers under load
 * (divide the time by 64 for a frame's share).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PoseModelBenchmark {

    @Param({"1", "64"})
    int batchSize;

    private final PoseModelAdapter adapter = new PoseModelAdapter();
    private OrtEnvironment env;
    private OrtSession.SessionOptions options;
    private OrtSession session;
    private List<FaceKeypoints> batch;

    @Setup
    public void open() throws Exception {
        env = OrtEnvironment.getEnvironment();
        options = RunnerOptions.DEFAULTS.sessionOptions();
        session = env.createSession(PoseModelAdapter.bundledModel(), options);
        batch = faces(batchSize);
    }

    @TearDown
    public void close() throws OrtException {
        session.close();
        options.close();
    }

    @Benchmark
    public List<PoseEstimate> call() throws OrtException {
        return adapter.run(env, session, batch);
    }

    /** The synthetic users' faces one second into a run: their true poses, projected by their camera. */
    private static List<FaceKeypoints> faces(int n) {
        SyntheticConfig config = SyntheticConfig.builder().bootstrapServers("unused:9092").users(n).build();
        SyntheticUsers users = new SyntheticUsers(config, new SessionIds("micro-benchmark", n));
        PinholeCamera camera = config.camera();
        List<FaceKeypoints> faces = new ArrayList<>(n);
        for (int user = 0; user < n; user++) {
            faces.add(new FaceKeypoints(FaceGeometry.projectKeypoints(users.truth(user, 1.0), camera),
                    camera.width(), camera.height(), (float) camera.focalPx()));
        }
        return faces;
    }
}
