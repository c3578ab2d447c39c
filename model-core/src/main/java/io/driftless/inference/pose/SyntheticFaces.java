package io.driftless.inference.pose;

import java.util.List;
import java.util.Random;

/**
 * Seeded synthetic faces: the canonical keypoints projected under a random head pose, position
 * and camera, for training the pose model and for measuring it. The ranges here are the ones
 * the model's stated accuracy holds for.
 */
public final class SyntheticFaces {

    public static final double MAX_YAW_DEG = 60;
    public static final double MAX_PITCH_DEG = 40;
    public static final double MAX_ROLL_DEG = 30;
    public static final double MIN_DISTANCE_M = 0.30;
    public static final double MAX_DISTANCE_M = 0.80;
    public static final double MIN_HORIZONTAL_FOV_DEG = 50;
    public static final double MAX_HORIZONTAL_FOV_DEG = 75;

    /** Landscape and portrait frames of common webcams and phones, as {width, height}. */
    public static final List<int[]> IMAGE_SIZES = List.of(
            new int[] {640, 480}, new int[] {1280, 720}, new int[] {1920, 1080},
            new int[] {480, 640}, new int[] {720, 1280});

    /** What must be in the frame for a face to count as fully visible. */
    private static final List<double[]> FACE_EXTENT = faceExtent();

    private static final int PLACEMENT_TRIES = 200;

    private SyntheticFaces() {}

    /**
     * One face: its true pose, the camera and its noise-free keypoints in pixels.
     *
     * @param pose the head pose in the camera frame
     * @param camera the camera that saw it
     * @param cleanXy the exact projections of the six keypoints
     */
    public record Face(HeadPose pose, PinholeCamera camera, float[] cleanXy) {

        /** The keypoints a detector would report: each coordinate off by N(0, sigma²) pixels. */
        public FaceKeypoints observe(Random random, double noisePx) {
            float[] xy = new float[cleanXy.length];
            for (int i = 0; i < xy.length; i++) {
                xy[i] = (float) (cleanXy[i] + noisePx * random.nextGaussian());
            }
            return new FaceKeypoints(xy, camera.width(), camera.height(), (float) camera.focalPx());
        }
    }

    /**
     * The next random face: yaw, pitch and roll uniform within their ranges, head origin at a
     * uniform distance, placed uniformly wherever the whole face stays inside the image, and a
     * camera of random size and horizontal field of view.
     */
    public static Face next(Random random) {
        while (true) {
            int[] size = IMAGE_SIZES.get(random.nextInt(IMAGE_SIZES.size()));
            double fov = uniform(random, MIN_HORIZONTAL_FOV_DEG, MAX_HORIZONTAL_FOV_DEG);
            PinholeCamera camera = PinholeCamera.withHorizontalFov(size[0], size[1], fov);
            double yaw = uniform(random, -MAX_YAW_DEG, MAX_YAW_DEG);
            double pitch = uniform(random, -MAX_PITCH_DEG, MAX_PITCH_DEG);
            double roll = uniform(random, -MAX_ROLL_DEG, MAX_ROLL_DEG);
            double z = uniform(random, MIN_DISTANCE_M, MAX_DISTANCE_M);
            double halfWidth = camera.cx() / camera.focalPx(), halfHeight = camera.cy() / camera.focalPx();
            // rejection sampling keeps the placement uniform over the positions that fit
            for (int attempt = 0; attempt < PLACEMENT_TRIES; attempt++) {
                double x = z * uniform(random, -halfWidth, halfWidth);
                double y = z * uniform(random, -halfHeight, halfHeight);
                HeadPose pose = new HeadPose(yaw, pitch, roll, x, y, z);
                if (fitsInImage(pose, camera)) {
                    return new Face(pose, camera, FaceGeometry.projectKeypoints(pose, camera));
                }
            }
        }
    }

    private static boolean fitsInImage(HeadPose pose, PinholeCamera camera) {
        for (double[] point : FACE_EXTENT) {
            double[] p = camera.project(pose.toCamera(point));
            if (p[0] < 0 || p[0] >= camera.width() || p[1] < 0 || p[1] >= camera.height()) {
                return false;
            }
        }
        return true;
    }

    private static List<double[]> faceExtent() {
        double[][] points = new double[FaceGeometry.KEYPOINT_COUNT + 2][];
        for (int i = 0; i < FaceGeometry.KEYPOINT_COUNT; i++) {
            points[i] = FaceGeometry.keypoint(i);
        }
        for (FaceGeometry.NamedPoint anchor : FaceGeometry.AR_ANCHORS) {
            if (anchor.name().equals("forehead")) {
                points[FaceGeometry.KEYPOINT_COUNT] = anchor.headPoint();
            } else if (anchor.name().equals("chin")) {
                points[FaceGeometry.KEYPOINT_COUNT + 1] = anchor.headPoint();
            }
        }
        return List.of(points);
    }

    private static double uniform(Random random, double min, double max) {
        return min + (max - min) * random.nextDouble();
    }
}
