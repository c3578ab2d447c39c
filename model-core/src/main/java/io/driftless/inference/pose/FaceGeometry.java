package io.driftless.inference.pose;

import java.util.List;

/**
 * The canonical 3D face: where the six BlazeFace keypoints and the AR anchors sit on an
 * average adult head, in head coordinates (metres; origin at the midpoint of the ear
 * tragions; x towards the subject's left, which is the image's right for a face looking into
 * a non-mirrored camera; y down; z away from the camera, so the face is at negative z).
 */
public final class FaceGeometry {

    public static final int KEYPOINT_COUNT = 6;
    public static final String[] KEYPOINT_NAMES = {
        "right_eye", "left_eye", "nose_tip", "mouth_centre", "right_ear_tragion", "left_ear_tragion"
    };

    private static final double[][] KEYPOINTS = {
        {-0.032, 0.000, -0.085}, // right eye
        {0.032, 0.000, -0.085}, // left eye
        {0.000, 0.035, -0.105}, // nose tip
        {0.000, 0.068, -0.088}, // mouth centre
        {-0.075, 0.012, 0.000}, // right ear tragion
        {0.075, 0.012, 0.000}, // left ear tragion
    };

    /** Where a dog-ear filter puts its ears, a glasses sprite its bridge, and so on. */
    public static final List<NamedPoint> AR_ANCHORS = List.of(
            new NamedPoint("right_ear_tip", new double[] {-0.065, -0.150, -0.020}),
            new NamedPoint("left_ear_tip", new double[] {0.065, -0.150, -0.020}),
            new NamedPoint("forehead", new double[] {0.000, -0.060, -0.095}),
            new NamedPoint("glasses_bridge", new double[] {0.000, 0.000, -0.095}),
            new NamedPoint("nose_tip", new double[] {0.000, 0.035, -0.105}),
            new NamedPoint("chin", new double[] {0.000, 0.115, -0.075}));

    private FaceGeometry() {}

    /** The canonical 3D keypoint {@code index} (a copy). */
    public static double[] keypoint(int index) {
        return KEYPOINTS[index].clone();
    }

    /** A named point in head coordinates. */
    public record NamedPoint(String name, double[] headPoint) {}

    /** Projects the six keypoints: x0, y0, ..., x5, y5 in pixels. */
    public static float[] projectKeypoints(HeadPose pose, PinholeCamera camera) {
        float[] xy = new float[KEYPOINT_COUNT * 2];
        for (int i = 0; i < KEYPOINT_COUNT; i++) {
            double[] p = camera.project(pose.toCamera(KEYPOINTS[i]));
            xy[2 * i] = (float) p[0];
            xy[2 * i + 1] = (float) p[1];
        }
        return xy;
    }

    /** Projects every AR anchor: x0, y0, x1, y1, ... in pixels, in {@link #AR_ANCHORS} order. */
    public static float[] projectAnchors(HeadPose pose, PinholeCamera camera) {
        float[] xy = new float[AR_ANCHORS.size() * 2];
        for (int i = 0; i < AR_ANCHORS.size(); i++) {
            double[] p = camera.project(pose.toCamera(AR_ANCHORS.get(i).headPoint()));
            xy[2 * i] = (float) p[0];
            xy[2 * i + 1] = (float) p[1];
        }
        return xy;
    }

    /** The pose is stepped this far either way along its rates to differentiate the projection. */
    private static final double VELOCITY_STEP_S = 1e-3;

    /**
     * How fast each AR anchor moves on the image, in pixels per second, x0, y0, x1, ... in {@link
     * #AR_ANCHORS} order, while the head at {@code pose} moves at {@code rates} (yaw, pitch, roll in
     * degrees per second, then x, y, z in metres per second): the projection's central difference
     * over ±1 ms, where a 250°/s turn bends the path by far less than a thousandth of a pixel.
     */
    public static float[] anchorVelocities(HeadPose pose, double[] rates, PinholeCamera camera) {
        HeadPose before = step(pose, rates, -VELOCITY_STEP_S);
        HeadPose after = step(pose, rates, VELOCITY_STEP_S);
        float[] velocity = new float[AR_ANCHORS.size() * 2];
        for (int i = 0; i < AR_ANCHORS.size(); i++) {
            double[] from = camera.project(before.toCamera(AR_ANCHORS.get(i).headPoint()));
            double[] to = camera.project(after.toCamera(AR_ANCHORS.get(i).headPoint()));
            velocity[2 * i] = (float) ((to[0] - from[0]) / (2 * VELOCITY_STEP_S));
            velocity[2 * i + 1] = (float) ((to[1] - from[1]) / (2 * VELOCITY_STEP_S));
        }
        return velocity;
    }

    private static HeadPose step(HeadPose pose, double[] rates, double seconds) {
        return new HeadPose(pose.yawDeg() + seconds * rates[0], pose.pitchDeg() + seconds * rates[1],
                pose.rollDeg() + seconds * rates[2], pose.xM() + seconds * rates[3],
                pose.yM() + seconds * rates[4], pose.zM() + seconds * rates[5]);
    }
}
