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
 * <p>The pose is (yaw, pitch, roll) in degrees and (x, y, z) in metres, as in {@link HeadPose}.
 */
public final class KeypointFit {

    /** Pose values, and keypoint coordinates they project to. */
    public static final int POSE_VALUES = 6;
    private static final int COORDINATES = 2 * FaceGeometry.KEYPOINT_COUNT;

    private KeypointFit() {}

    /**
     * The pose one Gauss–Newton step from {@code start} towards the least-squares fit to {@code xy}
     * (pixels, as in {@link FaceKeypoints}); {@code start} itself when the step would not fit the
     * keypoints better, or would put a keypoint behind the camera.
     */
    public static HeadPose refine(HeadPose start, float[] xy, PinholeCamera camera) {
        double[] p = values(start);
        double[] projected = new double[COORDINATES];
        if (!project(p, camera, projected)) {
            return start;
        }
        DMatrixRMaj jacobian = jacobian(p, camera);
        DMatrixRMaj residual = new DMatrixRMaj(COORDINATES, 1);
        for (int i = 0; i < COORDINATES; i++) {
            residual.data[i] = xy[i] - projected[i];
        }
        double before = squaredError(xy, projected);
        // (Jᵀ J) step = Jᵀ r
        DMatrixRMaj normal = new DMatrixRMaj(POSE_VALUES, POSE_VALUES);
        CommonOps_DDRM.multTransA(jacobian, jacobian, normal);
        DMatrixRMaj gradient = new DMatrixRMaj(POSE_VALUES, 1);
        CommonOps_DDRM.multTransA(jacobian, residual, gradient);
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.symmPosDef(POSE_VALUES);
        if (!solver.setA(normal)) {
            return start;
        }
        DMatrixRMaj step = new DMatrixRMaj(POSE_VALUES, 1);
        solver.solve(gradient, step);
        double[] stepped = p.clone();
        for (int k = 0; k < POSE_VALUES; k++) {
            stepped[k] += step.data[k];
        }
        if (!project(stepped, camera, projected)) {
            return start;
        }
        return squaredError(xy, projected) < before ? pose(stepped) : start;
    }

    /**
     * The covariance of a pose fitted at {@code pose} to keypoints that are each off by {@code
     * noisePx} pixels (standard deviation, independent per coordinate): {@code σ² (Jᵀ J)⁻¹}, with
     * {@code J} the keypoints' derivatives by the pose values. A 6 × 6 matrix in degrees and
     * metres, row-major; null where the keypoints do not pin the pose down (a keypoint behind the
     * camera, or a degenerate view).
     */
    public static double[] covariance(HeadPose pose, PinholeCamera camera, double noisePx) {
        double[] p = values(pose);
        if (!project(p, camera, new double[COORDINATES])) {
            return null;
        }
        DMatrixRMaj jacobian = jacobian(p, camera);
        DMatrixRMaj information = new DMatrixRMaj(POSE_VALUES, POSE_VALUES);
        CommonOps_DDRM.multTransA(jacobian, jacobian, information);
        DMatrixRMaj covariance = new DMatrixRMaj(POSE_VALUES, POSE_VALUES);
        if (!CommonOps_DDRM.invertSPD(information, covariance)) {
            return null;
        }
        CommonOps_DDRM.scale(noisePx * noisePx, covariance);
        for (double v : covariance.data) {
            if (!Double.isFinite(v)) {
                return null;
            }
        }
        return covariance.data;
    }

    /**
     * d(keypoint coordinate) / d(pose value), 12 × 6, in pixels per degree and per metre: the
     * rotation {@code Ry(yaw) Rx(pitch) Rz(roll)} differentiated factor by factor, then the
     * perspective division.
     */
    private static DMatrixRMaj jacobian(double[] p, PinholeCamera camera) {
        double yaw = Math.toRadians(p[0]), pitch = Math.toRadians(p[1]), roll = Math.toRadians(p[2]);
        double cy = Math.cos(yaw), sy = Math.sin(yaw), cp = Math.cos(pitch), sp = Math.sin(pitch);
        double cr = Math.cos(roll), sr = Math.sin(roll);
        double[] ry = {cy, 0, sy, 0, 1, 0, -sy, 0, cy};
        double[] rx = {1, 0, 0, 0, cp, -sp, 0, sp, cp};
        double[] rz = {cr, -sr, 0, sr, cr, 0, 0, 0, 1};
        double[] dRy = {-sy, 0, cy, 0, 0, 0, -cy, 0, -sy};
        double[] dRx = {0, 0, 0, 0, -sp, -cp, 0, cp, -sp};
        double[] dRz = {-sr, -cr, 0, cr, -sr, 0, 0, 0, 0};
        double[] r = times(times(ry, rx), rz);
        double[][] byAngle = {times(times(dRy, rx), rz), times(times(ry, dRx), rz), times(times(ry, rx), dRz)};
        double perDegree = Math.PI / 180;
        double f = camera.focalPx();
        DMatrixRMaj jacobian = new DMatrixRMaj(COORDINATES, POSE_VALUES);
        for (int i = 0; i < FaceGeometry.KEYPOINT_COUNT; i++) {
            double[] k = FaceGeometry.keypoint(i);
            double[] c = times(r, k);
            double x = c[0] + p[3], y = c[1] + p[4], z = c[2] + p[5];
            int u = 2 * i, v = 2 * i + 1;
            for (int a = 0; a < 3; a++) {
                double[] d = times(byAngle[a], k);
                jacobian.set(u, a, perDegree * f * (d[0] * z - x * d[2]) / (z * z));
                jacobian.set(v, a, perDegree * f * (d[1] * z - y * d[2]) / (z * z));
            }
            jacobian.set(u, 3, f / z);
            jacobian.set(v, 4, f / z);
            jacobian.set(u, 5, -f * x / (z * z));
            jacobian.set(v, 5, -f * y / (z * z));
        }
        return jacobian;
    }

    /** The product of two row-major 3 × 3 matrices, or of one and a 3-vector. */
    private static double[] times(double[] m, double[] other) {
        int columns = other.length / 3;
        double[] product = new double[other.length];
        for (int row = 0; row < 3; row++) {
            for (int col = 0; col < columns; col++) {
                product[row * columns + col] = m[row * 3] * other[col]
                        + m[row * 3 + 1] * other[columns + col] + m[row * 3 + 2] * other[2 * columns + col];
            }
        }
        return product;
    }

    /** The keypoints at pose values {@code p}, into {@code xy}; false if one is not in front of the camera. */
    private static boolean project(double[] p, PinholeCamera camera, double[] xy) {
        double[] r = pose(p).rotation();
        boolean inFront = true;
        for (int i = 0; i < FaceGeometry.KEYPOINT_COUNT; i++) {
            double[] k = FaceGeometry.keypoint(i);
            double x = r[0] * k[0] + r[1] * k[1] + r[2] * k[2] + p[3];
            double y = r[3] * k[0] + r[4] * k[1] + r[5] * k[2] + p[4];
            double z = r[6] * k[0] + r[7] * k[1] + r[8] * k[2] + p[5];
            inFront &= z > 0;
            xy[2 * i] = camera.cx() + camera.focalPx() * x / z;
            xy[2 * i + 1] = camera.cy() + camera.focalPx() * y / z;
        }
        return inFront;
    }

    private static double[] values(HeadPose pose) {
        return new double[] {pose.yawDeg(), pose.pitchDeg(), pose.rollDeg(), pose.xM(), pose.yM(), pose.zM()};
    }

    private static HeadPose pose(double[] p) {
        return new HeadPose(p[0], p[1], p[2], p[3], p[4], p[5]);
    }

    private static double squaredError(float[] xy, double[] projected) {
        double sum = 0;
        for (int i = 0; i < COORDINATES; i++) {
            double r = xy[i] - projected[i];
            sum += r * r;
        }
        return sum;
    }
}
