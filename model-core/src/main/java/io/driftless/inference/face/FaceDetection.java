package io.driftless.inference.face;

import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.FaceKeypoints;
import java.util.Arrays;
import java.util.Locale;

/**
 * One face found in an image, in that image's pixels (origin top left, y down).
 *
 * <p>The six keypoints come in BlazeFace's order: right eye, left eye, nose tip, mouth centre,
 * right ear tragion, left ear tragion, where right and left are the subject's (the right eye
 * is on the image's left in a non-mirrored frame). That is the order of {@link
 * FaceGeometry#KEYPOINT_NAMES}, so {@link #toFaceKeypoints} hands them to the pose model as they
 * are. The model names the eyes and ears by their side of the image: in a mirrored (selfie
 * preview) frame its "right eye" is the subject's left, so un-mirror such frames before detection.
 *
 * @param score the detector's confidence, 0 to 1
 * @param keypoints x0, y0, ..., x5, y5
 */
public record FaceDetection(float score, float left, float top, float width, float height, float[] keypoints) {

    public static final int KEYPOINT_COUNT = FaceGeometry.KEYPOINT_COUNT;
    public static final int RIGHT_EYE = 0;
    public static final int LEFT_EYE = 1;
    public static final int NOSE_TIP = 2;
    public static final int MOUTH_CENTRE = 3;
    public static final int RIGHT_EAR_TRAGION = 4;
    public static final int LEFT_EAR_TRAGION = 5;

    public FaceDetection {
        if (keypoints.length != KEYPOINT_COUNT * 2) {
            throw new IllegalArgumentException("a face has " + KEYPOINT_COUNT * 2 + " keypoint coordinates, got "
                    + keypoints.length);
        }
        keypoints = keypoints.clone();
    }

    @Override
    public float[] keypoints() {
        return keypoints.clone();
    }

    public float keypointX(int index) {
        return keypoints[2 * index];
    }

    public float keypointY(int index) {
        return keypoints[2 * index + 1];
    }

    public float right() {
        return left + width;
    }

    public float bottom() {
        return top + height;
    }

    /** The keypoints as the pose model takes them, for an image of the given size. */
    public FaceKeypoints toFaceKeypoints(int imageWidth, int imageHeight, float focalLengthPx) {
        return new FaceKeypoints(keypoints.clone(), imageWidth, imageHeight, focalLengthPx);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FaceDetection d && score == d.score && left == d.left && top == d.top
                && width == d.width && height == d.height && Arrays.equals(keypoints, d.keypoints);
    }

    @Override
    public int hashCode() {
        return 31 * Float.hashCode(score) + Arrays.hashCode(keypoints);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "FaceDetection[score=%.3f, box=(%.1f, %.1f, %.1f x %.1f), keypoints=%s]",
                score, left, top, width, height, Arrays.toString(keypoints));
    }
}
