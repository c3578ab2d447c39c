package io.driftless.inference.service;

import io.driftless.inference.Inference;
import io.driftless.inference.face.FaceDetection;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.vision.ClassScore;
import io.driftless.inference.vision.ImageAnswer;
import io.driftless.inference.vision.ObjectDetection;
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
    /** Floats per object in {@link #objects}. */
    public static final int OBJECT_STRIDE = 5;

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

    /**
     * Image frames of a user's detector: the objects found, {@value #OBJECT_STRIDE} floats each
     * (score, left, top, right, bottom) in the image's pixels, best first; labels in {@link
     * #objectLabels}, class indices in {@link #objectClassIds}. Null for other models.
     */
    public float[] objects;
    public String[] objectLabels;
    public int[] objectClassIds;
    /** Image frames of a user's classifier: the top classes, best first. Null for other models. */
    public String[] classLabels;
    public float[] classScores;
    public int[] classIds;

    /** Screen-space AR anchors, x0, y0, ..., set by the render gate after smoothing. */
    public float[] anchors;
    /**
     * The session's pose rates at the frame's capture (yaw, pitch, roll in °/s, x, y, z in m/s),
     * set by the render gate; null while its motion state does not know them.
     */
    public float[] poseRates;
    /** The anchors' velocities in pixels per second, vx0, vy0, ...; null with {@link #poseRates}. */
    public float[] anchorVelocities;
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

    /**
     * What a model of this JVM made of {@code frame}: stamped with the model, the batch and its
     * times, and dropped for the reason {@code result}'s status names unless it is OK. The caller
     * packs an OK result.
     */
    public static InferenceOutcome of(FrameEnvelope frame, String model, Inference<?> result) {
        InferenceOutcome outcome = switch (result.status()) {
            case OK -> new InferenceOutcome();
            case EXPIRED -> dropped(frame, DropReason.LATE_ON_ARRIVAL, result.detail());
            case OVERLOADED -> dropped(frame, DropReason.OVERLOADED, result.detail());
            case FAILED -> dropped(frame, DropReason.INFERENCE_FAILED, result.detail());
            case INVALID -> dropped(frame, DropReason.INVALID, result.detail());
        };
        outcome.frame = frame;
        outcome.model = model;
        outcome.inferenceStartUs = result.startMicros();
        outcome.inferenceEndUs = result.endMicros();
        outcome.batchSize = result.batchSize();
        return outcome;
    }

    /** Sets the pose fields from {@code pose} and the model's {@code confidence} in it. */
    public void packPose(HeadPose pose, float confidence) {
        yawDeg = (float) pose.yawDeg();
        pitchDeg = (float) pose.pitchDeg();
        rollDeg = (float) pose.rollDeg();
        xM = (float) pose.xM();
        yM = (float) pose.yM();
        zM = (float) pose.zM();
        this.confidence = confidence;
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

    /** Packs a user model's answer into {@link #objects} and the class fields. */
    public void packAnswer(ImageAnswer answer) {
        List<ObjectDetection> found = answer.objects();
        objects = new float[found.size() * OBJECT_STRIDE];
        objectLabels = new String[found.size()];
        objectClassIds = new int[found.size()];
        for (int i = 0; i < found.size(); i++) {
            ObjectDetection d = found.get(i);
            int at = i * OBJECT_STRIDE;
            objects[at] = d.score();
            objects[at + 1] = d.left();
            objects[at + 2] = d.top();
            objects[at + 3] = d.right();
            objects[at + 4] = d.bottom();
            objectLabels[i] = d.label();
            objectClassIds[i] = d.classId();
        }
        List<ClassScore> classes = answer.classes();
        classLabels = new String[classes.size()];
        classScores = new float[classes.size()];
        classIds = new int[classes.size()];
        for (int i = 0; i < classes.size(); i++) {
            classLabels[i] = classes.get(i).label();
            classScores[i] = classes.get(i).score();
            classIds[i] = classes.get(i).classId();
        }
    }

    /** How many objects {@link #objects} holds. */
    public int objectCount() {
        return objects == null ? 0 : objects.length / OBJECT_STRIDE;
    }

    /** How many faces {@link #detections} holds. */
    public int detectionCount() {
        return detections == null ? 0 : detections.length / DETECTION_STRIDE;
    }

    public boolean succeeded() {
        return dropReason == null;
    }
}
