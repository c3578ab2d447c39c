package io.driftless.inference.service;

import io.driftless.inference.Inference;
import io.driftless.inference.MicroClock;
import io.driftless.inference.onnx.OnnxBatchRunner;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.FaceKeypoints;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import io.driftless.inference.pose.PoseEstimate;
import io.driftless.inference.pose.PoseFeatures;
import io.driftless.inference.pose.PoseModelAdapter;
import io.driftless.proto.DropReason;
import java.util.concurrent.CompletableFuture;

/** The landmark path's model: keypoints in, head pose out, ONNX Runtime in this JVM. */
public final class OnnxPoseInference implements FrameInference {

    private final OnnxBatchRunner<FaceKeypoints, PoseEstimate> runner;
    private final String modelName;

    public OnnxPoseInference(byte[] model, RunnerOptions options, MicroClock clock) throws Exception {
        PoseModelAdapter adapter = new PoseModelAdapter();
        this.modelName = adapter.modelName();
        this.runner = new OnnxBatchRunner<>(model, adapter, options, clock, typicalFace());
    }

    /** A frontal face half a metre from a 640x480 camera, to warm the model up with. */
    private static FaceKeypoints typicalFace() {
        PinholeCamera camera = PinholeCamera.withHorizontalFov(640, 480, PinholeCamera.DEFAULT_HORIZONTAL_FOV_DEG);
        float[] xy = FaceGeometry.projectKeypoints(new HeadPose(0, 0, 0, 0, 0, 0.5), camera);
        return new FaceKeypoints(xy, camera.width(), camera.height(), (float) camera.focalPx());
    }

    @Override
    public String modelName() {
        return modelName;
    }

    @Override
    public CompletableFuture<InferenceOutcome> infer(FrameEnvelope frame) {
        if (frame.keypoints == null) {
            return CompletableFuture.completedFuture(InferenceOutcome.dropped(
                    frame, DropReason.INVALID, "the pose model needs landmarks"));
        }
        FaceKeypoints input = new FaceKeypoints(
                frame.keypoints, frame.imageWidth, frame.imageHeight, frame.focalLengthPx);
        // one unusable input would fail its whole batch: keep it out
        String unusable = PoseFeatures.invalidReason(input);
        if (unusable != null) {
            return CompletableFuture.completedFuture(InferenceOutcome.dropped(frame, DropReason.INVALID, unusable));
        }
        return runner.submit(input, frame.deadlineUs).thenApply(result -> toOutcome(frame, result));
    }

    private InferenceOutcome toOutcome(FrameEnvelope frame, Inference<PoseEstimate> result) {
        InferenceOutcome outcome = InferenceOutcome.of(frame, modelName, result);
        if (result.isOk()) {
            outcome.packPose(result.result().pose(), result.result().confidence());
        }
        return outcome;
    }

    @Override
    public long expectedLatencyMicros() {
        return runner.expectedLatencyMicros();
    }

    @Override
    public void close() throws Exception {
        runner.close();
    }
}
