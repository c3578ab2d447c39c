package io.driftless.inference.testutils;

import io.driftless.inference.MicroClock;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Frames of faces in seeded random poses, as the job hands them to inference. */
public final class Faces {

    private Faces() {}

    /** {@code count} frames of varied poses, each with {@code budgetMicros} left from now. */
    public static List<FrameEnvelope> frames(int count, long seed, long budgetMicros) {
        Random random = new Random(seed);
        PinholeCamera camera = PinholeCamera.withHorizontalFov(640, 480, 60);
        long now = MicroClock.system().nowMicros();
        List<FrameEnvelope> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            HeadPose pose = new HeadPose(random.nextDouble() * 60 - 30, random.nextDouble() * 30 - 15,
                    random.nextDouble() * 20 - 10, random.nextDouble() * 0.1 - 0.05, random.nextDouble() * 0.1 - 0.05,
                    0.4 + random.nextDouble() * 0.4);
            FrameEnvelope frame = new FrameEnvelope();
            frame.sessionId = "user-" + (i % 7);
            frame.sequence = i + 1;
            frame.captureTimeUs = now - 1_000;
            frame.sendTimeUs = now - 500;
            frame.deadlineMs = (int) (budgetMicros / 1000);
            frame.ingestUs = now;
            frame.deadlineUs = now + budgetMicros;
            frame.keypoints = FaceGeometry.projectKeypoints(pose, camera);
            frame.imageWidth = camera.width();
            frame.imageHeight = camera.height();
            frame.focalLengthPx = (float) camera.focalPx();
            frames.add(frame);
        }
        return frames;
    }

    /** A copy of {@code frame} whose budget starts again from now. */
    public static FrameEnvelope renewed(FrameEnvelope frame, long budgetMicros) {
        FrameEnvelope copy = new FrameEnvelope();
        copy.sessionId = frame.sessionId;
        copy.sequence = frame.sequence;
        copy.captureTimeUs = frame.captureTimeUs;
        copy.sendTimeUs = frame.sendTimeUs;
        copy.deadlineMs = frame.deadlineMs;
        copy.ingestUs = frame.ingestUs;
        copy.deadlineUs = MicroClock.system().nowMicros() + budgetMicros;
        copy.keypoints = frame.keypoints;
        copy.imageWidth = frame.imageWidth;
        copy.imageHeight = frame.imageHeight;
        copy.focalLengthPx = frame.focalLengthPx;
        return copy;
    }
}
