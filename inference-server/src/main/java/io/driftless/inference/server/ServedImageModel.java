package io.driftless.inference.server;

import io.driftless.inference.Inference;
import io.driftless.inference.MicroClock;
import io.driftless.inference.image.ImageModelAnalysis;
import io.driftless.inference.image.JpegImageModelAnalyzer;
import io.driftless.inference.image.JpegLimits;
import io.driftless.inference.onnx.QueueOrder;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.vision.ClassScore;
import io.driftless.inference.vision.ImageAnswer;
import io.driftless.inference.vision.ImageModel;
import io.driftless.inference.vision.ObjectDetection;
import io.driftless.proto.AnnotatedFrame;
import io.driftless.proto.Box;
import io.driftless.proto.Classification;
import io.driftless.proto.Detection;
import io.driftless.proto.DropReason;
import io.driftless.proto.Frame;
import io.driftless.proto.InferResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A user's image model (a detector or a classifier from a model folder) served remotely: the
 * same analyzer the job runs in-process (decode, model, annotate, encode), answering with the
 * annotated frame, its objects with their class ids, or its top classes.
 */
final class ServedImageModel implements ServedModel {

    private final JpegImageModelAnalyzer analyzer;

    ServedImageModel(ImageModel model, RunnerOptions options, MicroClock clock, ServerMetrics metrics)
            throws Exception {
        // many clients with different budgets share this queue: the most urgent go first
        this.analyzer = new JpegImageModelAnalyzer(model, options, JpegLimits.DEFAULTS, ServedFaceModel.IMAGE_THREADS,
                ServedFaceModel.QUALITY, QueueOrder.EARLIEST_DEADLINE, metrics.batchListener(model.name()), clock);
        metrics.watchQueue(model.name(), analyzer::queueSize);
    }

    @Override
    public String name() {
        return analyzer.modelName();
    }

    @Override
    public CompletableFuture<InferResponse> infer(Frame frame, long receivedMicros, long deadlineMicros,
            Executor answering) {
        if (!frame.hasImage()) {
            return CompletableFuture.completedFuture(ServedModel.dropped(frame, DropReason.INVALID,
                    "the image model " + name() + " needs an image", 0, 0, 0));
        }
        return analyzer.analyze(frame.getImage().getJpeg().toByteArray(), frame.getImage().getWidth(),
                frame.getImage().getHeight(), deadlineMicros).thenApplyAsync(result -> response(frame, result,
                receivedMicros), answering);
    }

    private InferResponse response(Frame frame, Inference<ImageModelAnalysis> result, long receivedMicros) {
        return ServedModel.response(frame, result, receivedMicros,
                (response, analysis) -> response.setAnnotated(annotated(frame, analysis, result.batchSize())));
    }

    private AnnotatedFrame annotated(Frame frame, ImageModelAnalysis analysis, int batchSize) {
        AnnotatedFrame.Builder annotated = ServedModel.annotated(frame, name(), analysis.annotatedJpeg(),
                frame.getImage().getWidth(), frame.getImage().getHeight(), batchSize);
        ImageAnswer answer = analysis.answer();
        for (ObjectDetection object : answer.objects()) {
            annotated.addDetections(Detection.newBuilder()
                    .setLabel(object.label())
                    .setClassId(object.classId())
                    .setScore(object.score())
                    .setBox(Box.newBuilder()
                            .setXMin(object.left())
                            .setYMin(object.top())
                            .setXMax(object.right())
                            .setYMax(object.bottom())));
        }
        for (ClassScore c : answer.classes()) {
            annotated.addClasses(Classification.newBuilder()
                    .setLabel(c.label())
                    .setScore(c.score())
                    .setClassId(c.classId()));
        }
        return annotated.build();
    }

    @Override
    public void close() {
        analyzer.close();
    }
}
