package io.driftless.inference.server;

import io.driftless.inference.Inference;
import io.driftless.inference.MicroClock;
import io.driftless.inference.face.FaceDetection;
import io.driftless.inference.face.FaceDetectionAdapter;
import io.driftless.inference.image.FaceAnalysis;
import io.driftless.inference.image.JpegFaceAnalyzer;
import io.driftless.inference.image.JpegLimits;
import io.driftless.inference.onnx.QueueOrder;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.proto.AnnotatedFrame;
import io.driftless.proto.Box;
import io.driftless.proto.Detection;
import io.driftless.proto.DropReason;
import io.driftless.proto.Frame;
import io.driftless.proto.InferResponse;
import io.driftless.proto.Point;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The face model served remotely: the same analyzer the job runs in-process (decode, detector,
 * pose of the first face, annotate, encode). It checks each JPEG's header itself, so a client
 * that skips the job's parser gets the same INVALID answers.
 */
final class ServedFaceModel implements ServedModel {

    /** Threads that decode and encode JPEGs. */
    static final int IMAGE_THREADS = 2;
    /** The annotated frames' JPEG quality. */
    static final int QUALITY = 80;
    /** On a CPU the detector's time per image grows with larger batches: keep them small. */
    static final int MAX_BATCH_SIZE = 4;

    private final JpegFaceAnalyzer analyzer;

    ServedFaceModel(byte[] faceModel, byte[] poseModel, RunnerOptions options, MicroClock clock,
            ServerMetrics metrics) throws Exception {
        RunnerOptions small = options.toBuilder()
                .maxBatchSize(Math.min(MAX_BATCH_SIZE, options.maxBatchSize()))
                .build();
        // many clients with different budgets share this queue: the most urgent go first
        this.analyzer = new JpegFaceAnalyzer(faceModel, poseModel, small, JpegLimits.DEFAULTS, IMAGE_THREADS,
                QUALITY, QueueOrder.EARLIEST_DEADLINE, metrics.batchListener(name()), clock);
        metrics.watchQueue(name(), analyzer::queueSize);
    }

    @Override
    public String name() {
        return FaceDetectionAdapter.MODEL_NAME;
    }

    @Override
    public CompletableFuture<InferResponse> infer(Frame frame, long receivedMicros, long deadlineMicros,
            Executor answering) {
        if (!frame.hasImage()) {
            return CompletableFuture.completedFuture(
                    ServedModel.dropped(frame, DropReason.INVALID, "the face model needs an image", 0, 0, 0));
        }
        return analyzer.analyze(frame.getImage().getJpeg().toByteArray(), frame.getImage().getWidth(),
                frame.getImage().getHeight(), 0, deadlineMicros).thenApplyAsync(result -> response(frame, result,
                receivedMicros), answering);
    }

    private InferResponse response(Frame frame, Inference<FaceAnalysis> result, long receivedMicros) {
        return ServedModel.response(frame, result, receivedMicros, (response, analysis) -> {
            response.setAnnotated(annotated(frame, analysis, result.batchSize()));
            if (analysis.pose() != null) {
                response.setFaceCoordinates(ServedModel.coordinates(frame, name(), analysis.pose(), result.batchSize()));
            }
        });
    }

    private AnnotatedFrame annotated(Frame frame, FaceAnalysis analysis, int batchSize) {
        AnnotatedFrame.Builder annotated = ServedModel.annotated(frame, name(), analysis.annotatedJpeg(),
                analysis.width(), analysis.height(), batchSize);
        for (FaceDetection face : analysis.faces()) {
            Detection.Builder detection = Detection.newBuilder()
                    .setLabel("face")
                    .setScore(face.score())
                    .setBox(Box.newBuilder()
                            .setXMin(face.left())
                            .setYMin(face.top())
                            .setXMax(face.right())
                            .setYMax(face.bottom()));
            for (int k = 0; k < FaceDetection.KEYPOINT_COUNT; k++) {
                detection.addKeypoints(Point.newBuilder().setX(face.keypointX(k)).setY(face.keypointY(k)));
            }
            annotated.addDetections(detection);
        }
        return annotated.build();
    }

    @Override
    public void close() {
        analyzer.close();
    }
}
