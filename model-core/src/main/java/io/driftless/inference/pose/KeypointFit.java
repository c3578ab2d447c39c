package io.driftless.inference.pose;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * How well a pose explains the six keypoints, in pixels: the least-squares fit of the canonical
 * face's projection to them. The pose model's answer lands near the fit's minimum, and one
 * Gauss–Newton step takes it there ({@link #refine}); the fit's curvature there says how far the
 * pose may be off for a given keypoint noise, and how its errors go together ({@link #covariance}):
 * a face that shifts sideways on the image may have turned or moved, so yaw's error and x's go
 * together, as do pitch's and y's.
 *
 * <p>The pose is (yaw, pitch, roll) in degrees and (x, y, z) in metres, as in {@link HeadPose}. An
 * instance keeps the matrices it works in, so that a frame allocates nothing here: one per thread.
 */
public final class KeypointFit {

    /** Pose values, and keypoint coordinates they project to. */
    public static final int POSE_VALUES = 6;
    private static final int COORDINATES = 2 * FaceGeometry.KEYPOINT_COUNT;
    private static final double[][] KEYPOINTS = canonicalKeypoints();

    private final double[] values = new double[POSE_VALUES];
    private final double[] stepped = new double[POSE_VALUES];
    private final double[] projected = new double[COORDINATES];
    private final double[] rotation = new double[9];
    private final double[][] rotationByAngle = new double[3][9];
    private final DMatrixRMaj jacobian = new DMatrixRMaj(COORDINATES, POSE_VALUES);
    private final DMatrixRMaj residual = new DMatrixRMaj(COORDINATES, 1);
    private final DMatrixRMaj normal = new DMatrixRMaj(POSE_VALUES, POSE_VALUES);
    private final DMatrixRMaj gradient = new DMatrixRMaj(POSE_VALUES, 1);
    private final DMatrixRMaj step = new DMatrixRMaj(POSE_VALUES, 1);
    private final DMatrixRMaj inverse = new DMatrixRMaj(POSE_VALUES, POSE_VALUES);
    private final LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.symmPosDef(POSE_VALUES);

    /**
     * The pose one Gauss–Newton step from {@code start} towards the least-squares fit to {@code xy}
     * (pixels, as in {@link FaceKeypoints}); {@code start} itself when the step would not fit the
     * keypoints better, or would put a keypoint behind the camera.
     */
    public HeadPose refine(HeadPose start, float[] xy, PinholeCamera camera) {
        valuesOf(start, values);
        if (!linearize(values, camera)) {
            return start;
        }
        for (int i = 0; i < COORDINATES; i++) {
            residual.data[i] = xy[i] - projected[i];
        }
        double before = squaredError(xy, projected);
        // (Jᵀ J) step = Jᵀ r
        CommonOps_DDRM.multTransA(jacobian, jacobian, normal);
        CommonOps_DDRM.multTransA(jacobian, residual, gradient);
        if (!solver.setA(normal)) {
            return start;
        }
        solver.solve(gradient, step);
        for (int k = 0; k < POSE_VALUES; k++) {
            stepped[k] = values[k] + step.data[k];
        }
        if (!project(stepped, camera, projected) || !(squaredError(xy, projected) < before)) {
            return start;
        }
        return new HeadPose(stepped[0], stepped[1], stepped[2], stepped[3], stepped[4], stepped[5]);
    }

    /**
     * Writes into {@code covariance} (6 × 6, row-major, degrees and metres) the covariance of a pose
     * fitted at {@code pose} to keypoints that are each off by {@code noisePx} pixels (standard
     * deviation, independent per coordinate): {@code σ² (Jᵀ J)⁻¹}, with {@code J} the keypoints'
     * derivatives by the pose values.
     *
     * @return false, with {@code covariance} undefined, where the keypoints do not pin the pose down
     *     (a keypoint behind the camera, or a degenerate view)
     */
    public boolean covariance(HeadPose pose, PinholeCamera camera, double noisePx, double[] covariance) {
        valuesOf(pose, values);
        if (!linearize(values, camera)) {
            return false;
        }
        CommonOps_DDRM.multTransA(jacobian, jacobian, normal);
        if (!solver.setA(normal)) {
            return false;
        }
        solver.invert(inverse);
        double variance = noisePx * noisePx;
        for (int i = 0; i < covariance.length; i++) {
            covariance[i] = variance * inverse.data[i];
            if (!Double.isFinite(covariance[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * The keypoints at pose values {@code p}, into {@link #projected}, and their derivatives by the
     * pose values (12 × 6, pixels per degree and per metre) into {@link #jacobian}: the rotation
     * {@code Ry(yaw) Rx(pitch) Rz(roll)} differentiated factor by factor, then the perspective
     * division. False if a keypoint is not in front of the camera.
     */
    private boolean linearize(double[] p, PinholeCamera camera) {
        double yaw = Math.toRadians(p[0]), pitch = Math.toRadians(p[1]), roll = Math.toRadians(p[2]);
        double cy = Math.cos(yaw), sy = Math.sin(yaw), cp = Math.cos(pitch), sp = Math.sin(pitch);
        double cr = Math.cos(roll), sr = Math.sin(roll);
        double[] ry = {cy, 0, sy, 0, 1, 0, -sy, 0, cy};
        double[] rx = {1, 0, 0, 0, cp, -sp, 0, sp, cp};
        double[] rz = {cr, -sr, 0, sr, cr, 0, 0, 0, 1};
        double[] ryRx = times(ry, rx);
        times(ryRx, rz, rotation);
        times(times(new double[] {-sy, 0, cy, 0, 0, 0, -cy, 0, -sy}, rx), rz, rotationByAngle[0]);
        times(times(ry, new double[] {0, 0, 0, 0, -sp, -cp, 0, cp, -sp}), rz, rotationByAngle[1]);
        times(ryRx, new double[] {-sr, -cr, 0, cr, -sr, 0, 0, 0, 0}, rotationByAngle[2]);
        double perDegree = Math.PI / 180;
        double f = camera.focalPx();
        boolean inFront = true;
        for (int i = 0; i < FaceGeometry.KEYPOINT_COUNT; i++) {
            double[] k = KEYPOINTS[i];
            double x = dot(rotation, 0, k) + p[3], y = dot(rotation, 3, k) + p[4], z = dot(rotation, 6, k) + p[5];
            inFront &= z > 0;
            int u = 2 * i, v = 2 * i + 1;
            projected[u] = camera.cx() + f * x / z;
            projected[v] = camera.cy() + f * y / z;
            for (int a = 0; a < 3; a++) {
                double[] d = rotationByAngle[a];
                double dx = dot(d, 0, k), dy = dot(d, 3, k), dz = dot(d, 6, k);
                jacobian.set(u, a, perDegree * f * (dx * z - x * dz) / (z * z));
                jacobian.set(v, a, perDegree * f * (dy * z - y * dz) / (z * z));
            }
            jacobian.set(u, 3, f / z);
            jacobian.set(u, 4, 0);
            jacobian.set(u, 5, -f * x / (z * z));
            jacobian.set(v, 3, 0);
            jacobian.set(v, 4, f / z);
            jacobian.set(v, 5, -f * y / (z * z));
        }
        return inFront;
    }

    /** The keypoints at pose values {@code p}, into {@code xy}; false if one is not in front of the camera. */
    private boolean project(double[] p, PinholeCamera camera, double[] xy) {
        double[] r = new HeadPose(p[0], p[1], p[2], p[3], p[4], p[5]).rotation();
        boolean inFront = true;
        for (int i = 0; i < FaceGeometry.KEYPOINT_COUNT; i++) {
            double[] k = KEYPOINTS[i];
            double x = dot(r, 0, k) + p[3], y = dot(r, 3, k) + p[4], z = dot(r, 6, k) + p[5];
            inFront &= z > 0;
            xy[2 * i] = camera.cx() + camera.focalPx() * x / z;
            xy[2 * i + 1] = camera.cy() + camera.focalPx() * y / z;
        }
        return inFront;
    }

    /** Row {@code offset / 3} of a row-major 3 × 3 matrix times {@code k}. */
    private static double dot(double[] m, int offset, double[] k) {
        return m[offset] * k[0] + m[offset + 1] * k[1] + m[offset + 2] * k[2];
    }

    private static double[] times(double[] a, double[] b) {
        return times(a, b, new double[9]);
    }

    /** The product of two row-major 3 × 3 matrices, into {@code product}. */
    private static double[] times(double[] a, double[] b, double[] product) {
        for (int row = 0; row < 3; row++) {
            for (int col = 0; col < 3; col++) {
                product[row * 3 + col] = a[row * 3] * b[col] + a[row * 3 + 1] * b[3 + col] + a[row * 3 + 2] * b[6 + col];
            }
        }
        return product;
    }

    private static void valuesOf(HeadPose pose, double[] values) {
        values[0] = pose.yawDeg();
        values[1] = pose.pitchDeg();
        values[2] = pose.rollDeg();
        values[3] = pose.xM();
        values[4] = pose.yM();
        values[5] = pose.zM();
    }

    private static double squaredError(float[] xy, double[] projected) {
        double sum = 0;
        for (int i = 0; i < COORDINATES; i++) {
            double r = xy[i] - projected[i];
            sum += r * r;
        }
        return sum;
    }

    private static double[][] canonicalKeypoints() {
        double[][] keypoints = new double[FaceGeometry.KEYPOINT_COUNT][];
        for (int i = 0; i < keypoints.length; i++) {
            keypoints[i] = FaceGeometry.keypoint(i);
        }
        return keypoints;
    }
}
