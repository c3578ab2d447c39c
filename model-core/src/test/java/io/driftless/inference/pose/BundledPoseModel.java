package io.driftless.inference.pose;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** The shipped pose model in a real ONNX Runtime session, driven through its adapter. */
final class BundledPoseModel implements AutoCloseable {

    final OrtEnvironment env = OrtEnvironment.getEnvironment();
    final PoseModelAdapter adapter = new PoseModelAdapter();
    final OrtSession session;

    BundledPoseModel() throws IOException, OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            session = env.createSession(PoseModelAdapter.bundledModel(), options);
        }
    }

    /** One model run over the whole batch. */
    List<PoseEstimate> estimate(List<FaceKeypoints> batch) throws OrtException {
        Map<String, OnnxTensor> inputs = adapter.encode(env, batch);
        try (OrtSession.Result outputs = session.run(inputs)) {
            return adapter.decode(outputs, batch);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
