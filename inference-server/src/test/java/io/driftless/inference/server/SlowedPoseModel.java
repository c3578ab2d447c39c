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
 * The real pose model, taking {@code pauseMicros} longer for every batch: a server whose model,
 * not the transport or the test machine, is what runs out, or that answers after a frame's
 * deadline.
 */
public record SlowedPoseModel(PoseModelAdapter model, long pauseMicros)
        implements ModelAdapter<FaceKeypoints, PoseEstimate> {

    /** A catalog serving only the slowed pose model, under its usual name. */
    public static ModelCatalog catalog(long pauseMicros, RunnerOptions options, MicroClock clock,
            ServerMetrics metrics) throws Exception {
        return ModelCatalog.of(new ServedPoseModel(PoseModelAdapter.bundledModel(),
                new SlowedPoseModel(new PoseModelAdapter(), pauseMicros), options, clock, metrics));
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
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(pauseMicros));
        return model.decode(outputs, batch);
    }
}
