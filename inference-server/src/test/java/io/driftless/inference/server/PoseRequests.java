package io.driftless.inference.server;

import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import io.driftless.inference.pose.PoseModelAdapter;
import io.driftless.proto.Frame;
import io.driftless.proto.InferRequest;
import io.driftless.proto.KeypointScheme;
import io.driftless.proto.Landmarks;
import io.driftless.proto.Point;

/** Requests for the pose model in tests: a real face's keypoints, its yaw derived from the request id. */
final class PoseRequests {

    private static final PinholeCamera CAMERA = PinholeCamera.withHorizontalFov(640, 480, 60);

    private PoseRequests() {}

    /** Request {@code id}, frame {@code id} of {@code session}, with {@code budgetMicros} left. */
    static InferRequest request(long id, String session, long budgetMicros) {
        float[] xy = FaceGeometry.projectKeypoints(new HeadPose(id % 40 - 20, 5, 0, 0, 0, 0.5), CAMERA);
        Landmarks.Builder landmarks = Landmarks.newBuilder()
                .setScheme(KeypointScheme.BLAZEFACE_SIX)
                .setImageWidth(640)
                .setImageHeight(480)
                .setFocalLengthPx((float) CAMERA.focalPx());
        for (int i = 0; i < FaceGeometry.KEYPOINT_COUNT; i++) {
            landmarks.addKeypoints(Point.newBuilder().setX(xy[2 * i]).setY(xy[2 * i + 1]));
        }
        return InferRequest.newBuilder()
                .setRequestId(id)
                .setModel(PoseModelAdapter.MODEL_NAME)
                .setRemainingBudgetUs(budgetMicros)
                .setFrame(Frame.newBuilder().setSessionId(session).setSequence(id).setLandmarks(landmarks))
                .build();
    }
}
