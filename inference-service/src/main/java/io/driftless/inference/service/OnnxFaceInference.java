package io.driftless.inference.service;

import io.driftless.inference.Inference;
import io.driftless.inference.MicroClock;
import io.driftless.inference.face.FaceDetectionAdapter;
import io.driftless.inference.image.FaceAnalysis;
import io.driftless.inference.image.JpegFaceAnalyzer;
import io.driftless.inference.image.JpegLimits;
import io.driftless.inference.onnx.BatchListener;
import io.driftless.inference.onnx.QueueOrder;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.proto.DropReason;
import java.util.concurrent.CompletableFuture;

/**
 * The JPEG path's model in this JVM: the face detector, the pose model on the first face, and
 * the annotated frame (see {@link JpegFaceAnalyzer}).
 */
public final class OnnxFaceInference implements FrameInference {

    private final JpegFaceAnalyzer analyzer;

    public OnnxFaceInference(byte[] faceModel, byte[] poseModel, RunnerOptions options, JpegLimits limits,
            int imageThreads, int quality, MicroClock clock) throws Exception {
        // ARRIVAL order: a session's frames finish in the order they came (see QueueOrder)
        this.analyzer = new JpegFaceAnalyzer(faceModel, poseModel, options, limits, imageThreads, quality,
                QueueOrder.ARRIVAL, BatchListener.NONE, clock);
    }

    @Override
    public String modelName() {
        return FaceDetectionAdapter.MODEL_NAME;
    }

    /** The face detector: it answers every image frame it is given. */
    @Override
    public String imageModelFor(FrameEnvelope frame) {
        return frame.payload() == Payload.IMAGE ? FaceDetectionAdapter.MODEL_NAME : null;
    }

    @Override
    public CompletableFuture<InferenceOutcome> infer(FrameEnvelope frame) {
        if (frame.jpeg == null) {
            return CompletableFuture.completedFuture(InferenceOutcome.dropped(
                    frame, DropReason.INVALID, "the face model needs an image"));
        }
        return analyzer.analyze(frame.jpeg, frame.imageWidth, frame.imageHeight, frame.focalLengthPx, frame.deadlineUs)
                .thenApply(result -> toOutcome(frame, result));
    }

    private static InferenceOutcome toOutcome(FrameEnvelope frame, Inference<FaceAnalysis> result) {
        InferenceOutcome outcome = InferenceOutcome.of(frame, FaceDetectionAdapter.MODEL_NAME, result);
        if (result.isOk()) {
            FaceAnalysis analysis = result.result();
            outcome.annotatedJpeg = analysis.annotatedJpeg();
            outcome.packDetections(analysis.faces());
            if (analysis.pose() == null) {
                outcome.withoutPose = true;
            } else {
                outcome.packPose(analysis.pose().pose(), analysis.pose().confidence());
            }
        }
        return outcome;
    }

    @Override
    public long expectedLatencyMicros() {
        return analyzer.expectedLatencyMicros();
    }

    @Override
    public void close() {
        analyzer.close();
    }
}
