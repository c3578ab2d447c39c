package io.driftless.inference.server;

import io.driftless.inference.Inference;
import io.driftless.inference.MicroClock;
import io.driftless.inference.ModelAdapter;
import io.driftless.inference.onnx.OnnxBatchRunner;
import io.driftless.inference.onnx.QueueOrder;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.FaceKeypoints;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import io.driftless.inference.pose.PoseEstimate;
import io.driftless.inference.pose.PoseFeatures;
import io.driftless.inference.pose.PoseModelAdapter;
import io.driftless.proto.DropReason;
import io.driftless.proto.Frame;
import io.driftless.proto.InferResponse;
import io.driftless.proto.KeypointScheme;
import io.driftless.proto.Landmarks;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** The pose model served remotely: the same adapter and runner the job uses in-process. */
final class ServedPoseModel implements ServedModel {

    private final OnnxBatchRunner<FaceKeypoints, PoseEstimate> runner;
    private final ServerMetrics metrics;

    ServedPoseModel(byte[] model, RunnerOptions options, MicroClock clock, ServerMetrics metrics) throws Exception {
        this(model, new PoseModelAdapter(), options, clock, metrics);
    }

    /** With another adapter of the pose model's inputs and outputs; for tests that slow it down. */
    ServedPoseModel(byte[] model, ModelAdapter<FaceKeypoints, PoseEstimate> adapter, RunnerOptions options,
            MicroClock clock, ServerMetrics metrics) throws Exception {
        this.metrics = metrics;
        // many clients with different budgets share this queue: the most urgent go first
        this.runner = new OnnxBatchRunner<>(model, adapter, options, clock, typicalFace(),
                QueueOrder.EARLIEST_DEADLINE, metrics.batchListener(adapter.modelName()));
        metrics.watchQueue(adapter.modelName(), runner::queueSize);
    }

    /** A frontal face half a metre from a 640x480 camera, to warm the model up with. */
    private static FaceKeypoints typicalFace() {
        PinholeCamera camera = PinholeCamera.withHorizontalFov(640, 480, PinholeCamera.DEFAULT_HORIZONTAL_FOV_DEG);
        float[] xy = FaceGeometry.projectKeypoints(new HeadPose(0, 0, 0, 0, 0, 0.5), camera);
        return new FaceKeypoints(xy, camera.width(), camera.height(), (float) camera.focalPx());
    }

    @Override
    public String name() {
        return PoseModelAdapter.MODEL_NAME;
    }

    @Override
    public CompletableFuture<InferResponse> infer(Frame frame, long receivedMicros, long deadlineMicros,
            Executor answering) {
        FaceKeypoints input;
        String invalid;
        if (!frame.hasLandmarks()) {
            input = null;
            invalid = "the pose model needs landmarks";
        } else {
            input = keypoints(frame.getLandmarks());
            invalid = input == null
                    ? "expected " + FaceGeometry.KEYPOINT_COUNT + " keypoints for BLAZEFACE_SIX, got "
                            + frame.getLandmarks().getKeypointsCount() + " of scheme " + frame.getLandmarks().getScheme()
                    // one unusable input would fail its whole batch: keep it out
                    : PoseFeatures.invalidReason(input);
        }
        if (invalid != null) {
            return CompletableFuture.completedFuture(ServedModel.dropped(frame, DropReason.INVALID, invalid, 0, 0, 0));
        }
        return runner.submit(input, deadlineMicros).thenApplyAsync(result -> {
            if (result.isOk() && result.endMicros() > deadlineMicros) {
                metrics.answeredLate(name());
            }
            return response(frame, result, receivedMicros);
        }, answering);
    }

    private static FaceKeypoints keypoints(Landmarks landmarks) {
        if (landmarks.getScheme() != KeypointScheme.BLAZEFACE_SIX
                || landmarks.getKeypointsCount() != FaceGeometry.KEYPOINT_COUNT) {
            return null;
        }
        float[] xy = new float[2 * FaceGeometry.KEYPOINT_COUNT];
        for (int i = 0; i < FaceGeometry.KEYPOINT_COUNT; i++) {
            xy[2 * i] = landmarks.getKeypoints(i).getX();
            xy[2 * i + 1] = landmarks.getKeypoints(i).getY();
        }
        return new FaceKeypoints(xy, landmarks.getImageWidth(), landmarks.getImageHeight(), landmarks.getFocalLengthPx());
    }

    private InferResponse response(Frame frame, Inference<PoseEstimate> result, long receivedMicros) {
        return ServedModel.response(frame, result, receivedMicros, (response, estimate) -> response.setCoordinates(
                ServedModel.coordinates(frame, name(), estimate, result.batchSize())));
    }

    @Override
    public void close() {
        runner.close();
    }
}
