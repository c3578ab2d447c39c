package io.driftless.inference.service;

import io.driftless.inference.face.FaceDetection;
import io.driftless.proto.DropReason;
import java.util.List;

/**
 * What the inference stage makes of one frame: a result, or the reason there is none.
 *
 * <p>An async function has no side outputs, so failures travel in the main stream as
 * outcomes with a {@link #dropReason}; the render gate turns them into drops.
 */
public class InferenceOutcome {

    /** Floats per face in {@link #detections}. */
    public static final int DETECTION_STRIDE = 5 + 2 * FaceDetection.KEYPOINT_COUNT;

    public FrameEnvelope frame;
    /** Null when the model produced a result. */
    public DropReason dropReason;
    public String detail;
    public String model;
    public long inferenceStartUs;
    public long inferenceEndUs;
    public int batchSize;

    public float yawDeg;
    public float pitchDeg;
    public float rollDeg;
    public float xM;
    public float yM;
    public float zM;
    public float confidence;
    /**
     * True for an image with no face (or none the pose model can take): the response is the
     * annotated frame alone, without coordinates.
     */
    public boolean withoutPose;

    /** Image frames: the annotated JPEG to send back; null for landmark frames. */
    public byte[] annotatedJpeg;
    /**
     * Image frames: the faces found, {@value #DETECTION_STRIDE} floats each (score, left, top,
     * width, height, then the six keypoints x, y), in the image's pixels, best first.
     */
    public float[] detections;

    /** Screen-space AR anchors, x0, y0, ..., set by the render gate after smoothing. */
    public float[] anchors;
    /** When the render gate emitted the response. */
    public long emitUs;

    public InferenceOutcome() {}

    public static InferenceOutcome dropped(FrameEnvelope frame, DropReason reason, String detail) {
        InferenceOutcome outcome = new InferenceOutcome();
        outcome.frame = frame;
        outcome.dropReason = reason;
        outcome.detail = detail;
        return outcome;
    }

    /** Packs {@code faces} into {@link #detections}. */
    public void packDetections(List<FaceDetection> faces) {
        float[] packed = new float[faces.size() * DETECTION_STRIDE];
        int at = 0;
        for (FaceDetection face : faces) {
            packed[at] = face.score();
            packed[at + 1] = face.left();
            packed[at + 2] = face.top();
            packed[at + 3] = face.width();
            packed[at + 4] = face.height();
            float[] keypoints = face.keypoints();
            System.arraycopy(keypoints, 0, packed, at + 5, keypoints.length);
            at += DETECTION_STRIDE;
        }
        detections = packed;
    }

    /** How many faces {@link #detections} holds. */
    public int detectionCount() {
        return detections == null ? 0 : detections.length / DETECTION_STRIDE;
    }

    public boolean succeeded() {
        return dropReason == null;
    }
}
