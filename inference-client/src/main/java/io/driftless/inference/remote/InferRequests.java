package io.driftless.inference.remote;

import com.google.protobuf.ByteString;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.proto.Frame;
import io.driftless.proto.Image;
import io.driftless.proto.InferRequest;
import io.driftless.proto.KeypointScheme;
import io.driftless.proto.Landmarks;
import io.driftless.proto.Point;

/** The request the job's client sends an inference server for one frame. */
public final class InferRequests {

    private InferRequests() {}

    /**
     * @param model the name the server serves the model under
     * @param remainingMicros what is left of the frame's budget as it is sent
     */
    public static InferRequest of(FrameEnvelope frame, String model, long requestId, long remainingMicros) {
        Frame.Builder payload = Frame.newBuilder()
                .setSessionId(frame.sessionId)
                .setSequence(frame.sequence)
                .setCaptureTimeUs(frame.captureTimeUs)
                .setSendTimeUs(frame.sendTimeUs)
                .setDeadlineMs(frame.deadlineMs);
        if (frame.jpeg != null) {
            payload.setImage(Image.newBuilder()
                    .setJpeg(ByteString.copyFrom(frame.jpeg))
                    .setWidth(frame.imageWidth)
                    .setHeight(frame.imageHeight));
        } else {
            Landmarks.Builder landmarks = payload.getLandmarksBuilder()
                    .setScheme(KeypointScheme.BLAZEFACE_SIX)
                    .setImageWidth(frame.imageWidth)
                    .setImageHeight(frame.imageHeight)
                    .setFocalLengthPx(frame.focalLengthPx);
            for (int i = 0; i + 1 < frame.keypoints.length; i += 2) {
                landmarks.addKeypoints(Point.newBuilder().setX(frame.keypoints[i]).setY(frame.keypoints[i + 1]));
            }
        }
        return InferRequest.newBuilder()
                .setRequestId(requestId)
                .setModel(model)
                .setRemainingBudgetUs(remainingMicros)
                .setFrame(payload)
                .build();
    }
}
