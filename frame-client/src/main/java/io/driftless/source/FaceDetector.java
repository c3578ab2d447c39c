package io.driftless.source;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.face.FaceDetection;
import io.driftless.inference.face.FaceDetectionAdapter;
import io.driftless.inference.face.RgbImage;
import io.driftless.inference.face.RgbPixels;
import io.driftless.source.internal.Failures;
import java.util.List;
import java.util.Map;

/**
 * The shipped BlazeFace detector in an in-process ONNX Runtime session, one image at a time: what
 * a phone runs before it sends its keypoints. One thread at a time.
 */
public final class FaceDetector implements AutoCloseable {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final FaceDetectionAdapter adapter = new FaceDetectionAdapter();
    private final OrtSession session;

    public FaceDetector() {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // One camera's frames, one after another: one thread keeps the client light.
            options.setIntraOpNumThreads(1);
            session = env.createSession(FaceDetectionAdapter.bundledModel(), options);
        } catch (OrtException e) {
            throw new FrameSourceException("cannot load the face detector "
                    + FaceDetectionAdapter.BUNDLED_MODEL + ": " + Failures.describe(e), e);
        }
    }

    /** The faces in the image, best first. */
    public List<FaceDetection> detect(RgbImage image) {
        List<RgbPixels> batch = List.of(image);
        Map<String, OnnxTensor> inputs = null;
        try {
            inputs = adapter.encode(env, batch);
            try (OrtSession.Result outputs = session.run(inputs)) {
                return adapter.decode(outputs, batch).get(0);
            }
        } catch (OrtException e) {
            throw new FrameSourceException("the face detector failed on a " + image.width() + "x"
                    + image.height() + " frame: " + Failures.describe(e), e);
        } finally {
            if (inputs != null) {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new FrameSourceException("closing the face detector failed: "
                    + Failures.describe(e), e);
        }
    }
}
