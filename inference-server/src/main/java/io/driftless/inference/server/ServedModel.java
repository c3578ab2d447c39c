package io.driftless.inference.server;

import com.google.protobuf.ByteString;
import io.driftless.inference.Inference;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PoseEstimate;
import io.driftless.proto.AnnotatedFrame;
import io.driftless.proto.ArCoordinates;
import io.driftless.proto.DropReason;
import io.driftless.proto.DroppedFrame;
import io.driftless.proto.Frame;
import io.driftless.proto.InferResponse;
import io.driftless.proto.Timing;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/** One model the server serves, behind its own micro-batching runner. */
interface ServedModel extends AutoCloseable {

    /** The name requests ask for, e.g. {@code pose-v1}. */
    String name();

    /**
     * Runs the model on {@code frame} unless it cannot finish by {@code deadlineMicros} (server
     * clock). The response carries a result or a drop with its reason, plus queue and compute
     * times and the batch size; {@code request_id} is left for the caller. The future never
     * completes exceptionally.
     *
     * <p>The response is built, and the future completed, on {@code answering}, never on the
     * model's runner thread: what runs on completion (a write to a client) would keep the model
     * idle meanwhile, and a write that is slow to go out would stop it.
     */
    CompletableFuture<InferResponse> infer(Frame frame, long receivedMicros, long deadlineMicros, Executor answering);

    @Override
    void close();

    /**
     * The response to {@code result}, a model's answer to {@code frame}: with the queue and
     * compute times and the batch size, and {@code answer} filling in the model's result where
     * there is one; else the drop its status stands for.
     */
    static <T> InferResponse response(Frame frame, Inference<T> result, long receivedMicros,
            BiConsumer<InferResponse.Builder, T> answer) {
        long queueUs = result.startMicros() > 0 ? result.startMicros() - receivedMicros : 0;
        long computeUs = result.endMicros() - result.startMicros();
        return switch (result.status()) {
            case OK -> {
                InferResponse.Builder response = InferResponse.newBuilder()
                        .setQueueUs(queueUs)
                        .setComputeUs(computeUs)
                        .setBatchSize(result.batchSize());
                answer.accept(response, result.result());
                yield response.build();
            }
            case EXPIRED -> dropped(frame, DropReason.LATE_ON_ARRIVAL, result.detail(), queueUs, 0, 0);
            case OVERLOADED -> dropped(frame, DropReason.OVERLOADED, result.detail(), 0, 0, 0);
            case FAILED -> dropped(frame, DropReason.INFERENCE_FAILED, result.detail(), queueUs, computeUs,
                    result.batchSize());
            case INVALID -> dropped(frame, DropReason.INVALID, result.detail(), 0, 0, 0);
        };
    }

    /** The response for a frame the model did not answer, with the times it did spend on it. */
    static InferResponse dropped(
            Frame frame, DropReason reason, String detail, long queueUs, long computeUs, int batchSize) {
        return InferResponse.newBuilder()
                .setDropped(DroppedFrame.newBuilder()
                        .setSessionId(frame.getSessionId())
                        .setSequence(frame.getSequence())
                        .setCaptureTimeUs(frame.getCaptureTimeUs())
                        .setReason(reason)
                        .setDetail(detail))
                .setQueueUs(Math.max(0, queueUs))
                .setComputeUs(Math.max(0, computeUs))
                .setBatchSize(batchSize)
                .build();
    }

    /** The annotated image {@code model} drew for {@code frame}, before its detections are added. */
    static AnnotatedFrame.Builder annotated(Frame frame, String model, byte[] jpeg, int width, int height,
            int batchSize) {
        return AnnotatedFrame.newBuilder()
                .setSessionId(frame.getSessionId())
                .setSequence(frame.getSequence())
                .setCaptureTimeUs(frame.getCaptureTimeUs())
                .setJpeg(ByteString.copyFrom(jpeg))
                .setWidth(width)
                .setHeight(height)
                .setModel(model)
                .setTiming(Timing.newBuilder().setBatchSize(batchSize));
    }

    /** The coordinates of {@code estimate}, the pose {@code model} found for {@code frame}'s face. */
    static ArCoordinates coordinates(Frame frame, String model, PoseEstimate estimate, int batchSize) {
        HeadPose pose = estimate.pose();
        return ArCoordinates.newBuilder()
                .setSessionId(frame.getSessionId())
                .setSequence(frame.getSequence())
                .setCaptureTimeUs(frame.getCaptureTimeUs())
                .setModel(model)
                .setConfidence(estimate.confidence())
                .setPose(io.driftless.proto.HeadPose.newBuilder()
                        .setYawDeg((float) pose.yawDeg())
                        .setPitchDeg((float) pose.pitchDeg())
                        .setRollDeg((float) pose.rollDeg())
                        .setXM((float) pose.xM())
                        .setYM((float) pose.yM())
                        .setZM((float) pose.zM()))
                .setTiming(Timing.newBuilder().setBatchSize(batchSize))
                .build();
    }
}
