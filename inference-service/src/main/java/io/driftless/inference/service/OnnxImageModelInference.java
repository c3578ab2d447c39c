package io.driftless.inference.service;

import io.driftless.inference.Inference;
import io.driftless.inference.MicroClock;
import io.driftless.inference.image.ImageModelAnalysis;
import io.driftless.inference.image.JpegImageModelAnalyzer;
import io.driftless.inference.image.JpegLimits;
import io.driftless.inference.onnx.BatchListener;
import io.driftless.inference.onnx.QueueOrder;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.vision.ImageModel;
import io.driftless.proto.DropReason;
import java.util.concurrent.CompletableFuture;

/**
 * A user's image model (detector or classifier, from a model folder) on the JPEG path in this
 * JVM: the objects or top classes and the annotated frame, no coordinates.
 */
public final class OnnxImageModelInference implements FrameInference {

    private final JpegImageModelAnalyzer analyzer;

    public OnnxImageModelInference(ImageModel model, RunnerOptions options, JpegLimits limits, int imageThreads,
            int quality, MicroClock clock) throws Exception {
        // ARRIVAL order: a session's frames finish in the order they came (see QueueOrder)
        this.analyzer = new JpegImageModelAnalyzer(model, options, limits, imageThreads, quality, QueueOrder.ARRIVAL,
                BatchListener.NONE, clock);
    }

    @Override
    public String modelName() {
        return analyzer.modelName();
    }

    /** This model: it answers every image frame it is given. */
    @Override
    public String imageModelFor(FrameEnvelope frame) {
        return frame.payload() == Payload.IMAGE ? analyzer.modelName() : null;
    }

    @Override
    public CompletableFuture<InferenceOutcome> infer(FrameEnvelope frame) {
        if (frame.jpeg == null) {
            return CompletableFuture.completedFuture(InferenceOutcome.dropped(
                    frame, DropReason.INVALID, "the image model " + analyzer.modelName() + " needs an image"));
        }
        return analyzer.analyze(frame.jpeg, frame.imageWidth, frame.imageHeight, frame.deadlineUs)
                .thenApply(result -> toOutcome(frame, result));
    }

    private InferenceOutcome toOutcome(FrameEnvelope frame, Inference<ImageModelAnalysis> result) {
        InferenceOutcome outcome = InferenceOutcome.of(frame, analyzer.modelName(), result);
        if (result.isOk()) {
            outcome.annotatedJpeg = result.result().annotatedJpeg();
            outcome.packAnswer(result.result().answer());
            // an image model answers with the annotated frame alone
            outcome.withoutPose = true;
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
