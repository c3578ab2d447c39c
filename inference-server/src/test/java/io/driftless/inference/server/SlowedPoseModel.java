package io.driftless.inference.server;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.MicroClock;
import io.driftless.inference.ModelAdapter;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.pose.FaceKeypoints;
import io.driftless.inference.pose.PoseEstimate;
import io.driftless.inference.pose.PoseModelAdapter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The real pose model, taking {@code pauseMicros} longer for every batch it serves: a server
 * whose model, not the transport or the test machine, is what runs out, or that answers after a
 * frame's deadline. The runner's warm-up (twenty batches) runs at the model's own speed: paused,
 * it would only hold the server's start up by twenty pauses.
 */
public final class SlowedPoseModel implements ModelAdapter<FaceKeypoints, PoseEstimate> {

    private final PoseModelAdapter model = new PoseModelAdapter();
    private final long pauseMicros;
    private volatile boolean serving;

    private SlowedPoseModel(long pauseMicros) {
        this.pauseMicros = pauseMicros;
    }

    /** A catalog serving only the slowed pose model, under its usual name. */
    public static ModelCatalog catalog(long pauseMicros, RunnerOptions options, MicroClock clock,
            ServerMetrics metrics) throws Exception {
        SlowedPoseModel slowed = new SlowedPoseModel(pauseMicros);
        ModelCatalog catalog = ModelCatalog.of(new ServedPoseModel(PoseModelAdapter.bundledModel(), slowed, options,
                clock, metrics));
        // the runner warmed up while it was built: every batch from here on is served
        slowed.serving = true;
        return catalog;
    }

    @Override
    public String modelName() {
        return model.modelName();
    }

    @Override
    public Map<String, OnnxTensor> encode(OrtEnvironment env, List<FaceKeypoints> batch) throws OrtException {
        return model.encode(env, batch);
    }

    @Override
    public List<PoseEstimate> decode(OrtSession.Result outputs, List<FaceKeypoints> batch) throws OrtException {
        if (serving) {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(pauseMicros));
        }
        return model.decode(outputs, batch);
    }
}
