package io.driftless.inference.face;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.List;
import java.util.Map;

/** The shipped face detector in a real ONNX Runtime session, driven through its adapter. */
final class BundledFaceDetector implements AutoCloseable {

    final OrtEnvironment env = OrtEnvironment.getEnvironment();
    final FaceDetectionAdapter adapter = new FaceDetectionAdapter();
    final OrtSession session;

    BundledFaceDetector() throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            session = env.createSession(FaceDetectionAdapter.bundledModel(), options);
        }
    }

    /** One model run over the whole batch. */
    List<List<FaceDetection>> detect(List<? extends RgbPixels> batch) throws OrtException {
        List<RgbPixels> images = List.copyOf(batch);
        Map<String, OnnxTensor> inputs = adapter.encode(env, images);
        try (OrtSession.Result outputs = session.run(inputs)) {
            return adapter.decode(outputs, images);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** The faces in one image, run alone. */
    List<FaceDetection> detect(RgbImage image) throws OrtException {
        return detect(List.of(image)).get(0);
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
