package io.driftless.inference.pose;

/**
 * A head pose in the camera frame (x right, y down, z forward, OpenCV convention).
 *
 * <p>The rotation is intrinsic yaw about y, then pitch about x, then roll about z:
 * {@code R = Ry(yaw) * Rx(pitch) * Rz(roll)}. All angles zero means the face looks straight
 * into the camera, upright. Positive yaw turns the face towards the image's right, positive
 * pitch tilts the chin down, positive roll tilts the head clockwise on screen.
 *
 * @param yawDeg yaw in degrees
 * @param pitchDeg pitch in degrees
 * @param rollDeg roll in degrees
 * @param xM head origin (midpoint of the ear tragions) x, metres
 * @param yM head origin y, metres
 * @param zM head origin z (distance along the optical axis), metres
 */
public record HeadPose(
        double yawDeg, double pitchDeg, double rollDeg, double xM, double yM, double zM) {

    /** The rotation matrix, row-major, that maps head coordinates to camera coordinates. */
    public double[] rotation() {
        double cy = Math.cos(Math.toRadians(yawDeg)), sy = Math.sin(Math.toRadians(yawDeg));
        double cp = Math.cos(Math.toRadians(pitchDeg)), sp = Math.sin(Math.toRadians(pitchDeg));
        double cr = Math.cos(Math.toRadians(rollDeg)), sr = Math.sin(Math.toRadians(rollDeg));
        // Ry * Rx * Rz, multiplied out
        return new double[] {
            cy * cr + sy * sp * sr, -cy * sr + sy * sp * cr, sy * cp,
            cp * sr, cp * cr, -sp,
            -sy * cr + cy * sp * sr, sy * sr + cy * sp * cr, cy * cp
        };
    }

    /** Maps a point from head coordinates to camera coordinates. */
    public double[] toCamera(double[] headPoint) {
        double[] r = rotation();
        return new double[] {
            r[0] * headPoint[0] + r[1] * headPoint[1] + r[2] * headPoint[2] + xM,
            r[3] * headPoint[0] + r[4] * headPoint[1] + r[5] * headPoint[2] + yM,
            r[6] * headPoint[0] + r[7] * headPoint[1] + r[8] * headPoint[2] + zM
        };
    }

    /**
     * The angle of the rotation that takes this pose's orientation to the other's, in degrees:
     * the usual single-number orientation error.
     */
    public double rotationErrorDeg(HeadPose other) {
        double[] a = rotation(), b = other.rotation();
        double trace = 0;
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 3; k++) {
                trace += a[k * 3 + i] * b[k * 3 + i];
            }
        }
        double cos = Math.max(-1, Math.min(1, (trace - 1) / 2));
        return Math.toDegrees(Math.acos(cos));
    }
}
