package io.driftless.inference.pose;

/**
 * An ideal pinhole camera with square pixels and the principal point at the image centre.
 *
 * @param width image width in pixels
 * @param height image height in pixels
 * @param focalPx focal length in pixels
 */
public record PinholeCamera(int width, int height, double focalPx) {

    /** The horizontal field of view assumed when a client does not say its focal length. */
    public static final double DEFAULT_HORIZONTAL_FOV_DEG = 60.0;

    public PinholeCamera {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException(
                    "image size must be positive, got " + width + "x" + height);
        }
        if (!(focalPx > 0) || Double.isInfinite(focalPx)) {
            throw new IllegalArgumentException("focal length must be positive, got " + focalPx);
        }
    }

    /** A camera of the given size and horizontal field of view. */
    public static PinholeCamera withHorizontalFov(int width, int height, double fovDeg) {
        return new PinholeCamera(width, height, width / (2 * Math.tan(Math.toRadians(fovDeg) / 2)));
    }

    /** The camera a client describes: its focal length, or the default field of view if 0. */
    public static PinholeCamera of(int width, int height, double focalPx) {
        return focalPx > 0
                ? new PinholeCamera(width, height, focalPx)
                : withHorizontalFov(width, height, DEFAULT_HORIZONTAL_FOV_DEG);
    }

    public double cx() {
        return width / 2.0;
    }

    public double cy() {
        return height / 2.0;
    }

    /** Projects a camera-frame point (z forward, metres) to pixels: {x, y}. */
    public double[] project(double[] cameraPoint) {
        return new double[] {
            cx() + focalPx * cameraPoint[0] / cameraPoint[2],
            cy() + focalPx * cameraPoint[1] / cameraPoint[2]
        };
    }
}
