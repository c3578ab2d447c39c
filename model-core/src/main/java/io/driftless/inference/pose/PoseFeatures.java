package io.driftless.inference.pose;

import java.nio.FloatBuffer;

/**
 * The pose model's input: the six keypoints made independent of where the face sits in the image
 * and how large it appears, plus the three numbers that say where and how large it was.
 *
 * <p>Keypoints are first taken to normalised camera coordinates ({@code (x - cx) / f}), so image
 * size and focal length drop out. The features are then, in order: the 12 coordinates relative
 * to their centroid, divided by their RMS distance to it (the scale); the centroid's x and y; and
 * the natural log of the scale. The shape part is invariant to translating and scaling the
 * keypoints; the last three carry the perspective cues the network needs for off-centre and
 * near faces, and let {@link PoseOutputs#decode} put the head back where it was.
 */
public final class PoseFeatures {

    public static final int COUNT = 2 * FaceGeometry.KEYPOINT_COUNT + 3;

    /** Below this spread, in pixels, the keypoints carry no usable shape. */
    static final double MIN_SPREAD_PX = 1.0;

    private PoseFeatures() {}

    /**
     * Where the keypoints sit, in normalised camera coordinates (units of the focal length).
     *
     * @param centroidX mean x of the keypoints
     * @param centroidY mean y of the keypoints
     * @param scale RMS distance of the keypoints to their centroid
     */
    public record Normalization(double centroidX, double centroidY, double scale) {}

    /** The camera a request describes: its focal length, or the default field of view. */
    public static PinholeCamera camera(FaceKeypoints keypoints) {
        return PinholeCamera.of(
                keypoints.imageWidth(), keypoints.imageHeight(), keypoints.focalLengthPx());
    }

    /**
     * Why the model cannot take these keypoints, or {@code null} if it can. Callers that admit
     * requests check this first, so one bad request never fails a whole batch.
     */
    public static String invalidReason(FaceKeypoints keypoints) {
        if (keypoints == null || keypoints.xy() == null) {
            return "keypoints are missing";
        }
        float[] xy = keypoints.xy();
        if (xy.length != 2 * FaceGeometry.KEYPOINT_COUNT) {
            return "expected " + 2 * FaceGeometry.KEYPOINT_COUNT + " keypoint coordinates ("
                    + FaceGeometry.KEYPOINT_COUNT + " points), got " + xy.length;
        }
        if (keypoints.imageWidth() <= 0 || keypoints.imageHeight() <= 0) {
            return "image size must be positive, got "
                    + keypoints.imageWidth() + "x" + keypoints.imageHeight();
        }
        if (!(keypoints.focalLengthPx() >= 0) || Float.isInfinite(keypoints.focalLengthPx())) {
            return "focal length must be 0 (unknown) or a positive number of pixels, got "
                    + keypoints.focalLengthPx();
        }
        for (float v : xy) {
            if (!Float.isFinite(v)) {
                return "keypoint coordinates must be finite numbers";
            }
        }
        PinholeCamera camera = camera(keypoints);
        if (normalization(xy, camera).scale() * camera.focalPx() < MIN_SPREAD_PX) {
            return "keypoints all fall on one spot (spread under " + MIN_SPREAD_PX + " px)";
        }
        return null;
    }

    /** The centroid and scale of the keypoints {@code xy} (pixels) seen by {@code camera}. */
    public static Normalization normalization(float[] xy, PinholeCamera camera) {
        double f = camera.focalPx(), cx = camera.cx(), cy = camera.cy();
        double sumX = 0, sumY = 0;
        for (int i = 0; i < FaceGeometry.KEYPOINT_COUNT; i++) {
            sumX += (xy[2 * i] - cx) / f;
            sumY += (xy[2 * i + 1] - cy) / f;
        }
        double meanX = sumX / FaceGeometry.KEYPOINT_COUNT, meanY = sumY / FaceGeometry.KEYPOINT_COUNT;
        double sumSq = 0;
        for (int i = 0; i < FaceGeometry.KEYPOINT_COUNT; i++) {
            double dx = (xy[2 * i] - cx) / f - meanX, dy = (xy[2 * i + 1] - cy) / f - meanY;
            sumSq += dx * dx + dy * dy;
        }
        return new Normalization(meanX, meanY, Math.sqrt(sumSq / FaceGeometry.KEYPOINT_COUNT));
    }

    /**
     * Puts the {@link #COUNT} features of one request at the buffer's position (relative puts).
     *
     * @throws IllegalArgumentException if {@link #invalidReason} finds a problem
     */
    public static Normalization write(FaceKeypoints keypoints, FloatBuffer dst) {
        String problem = invalidReason(keypoints);
        if (problem != null) {
            throw new IllegalArgumentException("pose model input rejected: " + problem);
        }
        PinholeCamera camera = camera(keypoints);
        float[] xy = keypoints.xy();
        Normalization n = normalization(xy, camera);
        for (int i = 0; i < COUNT; i++) {
            dst.put(feature(xy, i, camera, n));
        }
        return n;
    }

    /** Array form of {@link #write(FaceKeypoints, FloatBuffer)} for training; no validation. */
    static Normalization write(float[] xy, PinholeCamera camera, float[] dst, int offset) {
        Normalization n = normalization(xy, camera);
        for (int i = 0; i < COUNT; i++) {
            dst[offset + i] = feature(xy, i, camera, n);
        }
        return n;
    }

    private static float feature(float[] xy, int i, PinholeCamera camera, Normalization n) {
        int shapeCount = 2 * FaceGeometry.KEYPOINT_COUNT;
        if (i < shapeCount) {
            boolean isX = (i & 1) == 0;
            double centre = isX ? camera.cx() : camera.cy();
            double centroid = isX ? n.centroidX() : n.centroidY();
            return (float) (((xy[i] - centre) / camera.focalPx() - centroid) / n.scale());
        }
        if (i == shapeCount) {
            return (float) n.centroidX();
        }
        // StrictMath, so that one seed trains the same model on every JVM
        return (float) (i == shapeCount + 1 ? n.centroidY() : StrictMath.log(n.scale()));
    }
}
