package io.driftless.source;

import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import io.driftless.source.internal.Seeds;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The smooth head motion of one simulated user: each angle is a sum of a few low-frequency
 * sinusoids (0.05 to 0.5 Hz, random phases, the faster ones weaker, as in natural motion) and
 * the head drifts slowly in distance and across the image.
 *
 * <p>Bounds hold for all time, not just usually: yaw never beyond {@value #MAX_YAW_DEG} degrees
 * (and mostly within 45), pitch within {@value #MAX_PITCH_DEG}, roll within
 * {@value #MAX_ROLL_DEG}, the head between {@value #MIN_DISTANCE_M} and {@value #MAX_DISTANCE_M}
 * m from the camera, and all six keypoints at least {@value #EDGE_MARGIN_PX} pixels inside the
 * image. Deterministic per (seed, user, profile).
 *
 * <p>A {@link MotionProfile} sets the speed: the motion is played faster or slower so that its
 * fastest angle turns at most the profile's peak speed, the bound being reached when the
 * sinusoids of that angle line up. Playing faster raises the frequencies, never the amplitudes, so
 * the bounds above hold for every profile; a shake's yaw comes out of the smooth yaw's room.
 *
 * <pre>{@code
 * HeadMotion motion = HeadMotion.forUser(seed, 7, config.camera(), MotionProfile.FAST);
 * HeadPose truth = motion.at(12.5);
 * }</pre>
 */
public final class HeadMotion {

    public static final double MAX_YAW_DEG = 60;
    public static final double MAX_PITCH_DEG = 35;
    public static final double MAX_ROLL_DEG = 25;
    public static final double MIN_DISTANCE_M = 0.35;
    public static final double MAX_DISTANCE_M = 0.7;
    public static final double EDGE_MARGIN_PX = 8;
    public static final double MIN_FREQUENCY_HZ = 0.05;
    public static final double MAX_FREQUENCY_HZ = 0.5;

    // Largest amplitudes drawn; each stays under its hard bound with room for the centre offset.
    private static final double YAW_CENTRE = 5, YAW_MIN_AMPLITUDE = 20, YAW_MAX_AMPLITUDE = 50;
    private static final double PITCH_CENTRE = 4, PITCH_MIN_AMPLITUDE = 8, PITCH_MAX_AMPLITUDE = 28;
    private static final double ROLL_CENTRE = 3, ROLL_MIN_AMPLITUDE = 4, ROLL_MAX_AMPLITUDE = 18;
    private static final int WAVES_PER_ANGLE = 3;
    private static final double DRIFT_MIN_HZ = 0.01, DRIFT_MAX_HZ = 0.08;
    private static final double MAX_DEPTH_DRIFT_M = 0.06;
    /** Share of the lateral room the head may use, so it never grazes the margin. */
    private static final double MAX_LATERAL_SHARE = 0.85;
    /** The least lateral room, in metres, at which a camera still counts as usable. */
    private static final double MIN_LATERAL_ROOM_M = 0.01;
    /** The nearest distance must leave this much depth to drift in. */
    private static final double MIN_DEPTH_RANGE_M = 0.05;

    /**
     * How far the keypoints reach from the head origin over every orientation within the bounds:
     * x, y (either sign) and towards the camera. Sampled on a fine grid and padded, so the fit
     * below is conservative.
     */
    private static final double[] FACE_EXTENT = faceExtent();

    private final double[] yawWaves;
    private final double[] pitchWaves;
    private final double[] rollWaves;
    private final double[] depthWaves;
    private final double[] lateralXWaves;
    private final double[] lateralYWaves;
    private final double yawCentre, pitchCentre, rollCentre, depthCentre;
    private final double tanX, tanY;
    /** Seconds of the unscaled motion per second of the run. */
    private final double timeScale;
    /** The smooth yaw's share, less than 1 where a shake needs room within the yaw bound. */
    private final double yawShare;
    private final double shakeAmplitudeDeg;
    private final double shakeRadPerS;
    private final double shakePhase;

    private HeadMotion(SplittableRandom random, PinholeCamera camera, MotionProfile profile) {
        Fit fit = fit(camera);
        this.tanX = fit.tanX;
        this.tanY = fit.tanY;
        yawCentre = uniform(random, -YAW_CENTRE, YAW_CENTRE);
        yawWaves = angleWaves(random, YAW_MIN_AMPLITUDE, YAW_MAX_AMPLITUDE);
        pitchCentre = uniform(random, -PITCH_CENTRE, PITCH_CENTRE);
        pitchWaves = angleWaves(random, PITCH_MIN_AMPLITUDE, PITCH_MAX_AMPLITUDE);
        rollCentre = uniform(random, -ROLL_CENTRE, ROLL_CENTRE);
        rollWaves = angleWaves(random, ROLL_MIN_AMPLITUDE, ROLL_MAX_AMPLITUDE);
        double drift = Math.min(MAX_DEPTH_DRIFT_M, (MAX_DISTANCE_M - fit.nearestM) / 3);
        depthCentre = uniform(random, fit.nearestM + drift, MAX_DISTANCE_M - drift);
        depthWaves = waves(random, 2, drift * uniform(random, 0.5, 1), DRIFT_MIN_HZ, DRIFT_MAX_HZ);
        lateralXWaves = waves(random, 2, uniform(random, 0.3, MAX_LATERAL_SHARE), DRIFT_MIN_HZ,
                DRIFT_MAX_HZ);
        lateralYWaves = waves(random, 2, uniform(random, 0.3, MAX_LATERAL_SHARE), DRIFT_MIN_HZ,
                DRIFT_MAX_HZ);
        // Drawn last, so a profile never changes what the draws above give a user.
        shakePhase = uniform(random, 0, 2 * Math.PI);
        shakeAmplitudeDeg = profile.shakeAmplitudeDeg();
        shakeRadPerS = 2 * Math.PI * profile.shakeHz();
        yawShare = (YAW_CENTRE + YAW_MAX_AMPLITUDE - shakeAmplitudeDeg)
                / (YAW_CENTRE + YAW_MAX_AMPLITUDE);
        double unscaledPeak = Math.max(yawShare * maxSpeed(yawWaves),
                Math.max(maxSpeed(pitchWaves), maxSpeed(rollWaves)));
        timeScale = profile.smoothPeakDegPerS() / unscaledPeak;
    }

    /**
     * The {@link MotionProfile#NORMAL} motion of {@code user} in a run seeded with {@code seed},
     * seen by the default camera.
     */
    public static HeadMotion forUser(long seed, int user) {
        return forUser(seed, user, PinholeCamera.withHorizontalFov(
                SyntheticConfig.DEFAULT_IMAGE_WIDTH, SyntheticConfig.DEFAULT_IMAGE_HEIGHT,
                SyntheticConfig.DEFAULT_HORIZONTAL_FOV_DEG));
    }

    /**
     * The {@link MotionProfile#NORMAL} motion of {@code user} in a run seeded with {@code seed},
     * seen by {@code camera}.
     */
    public static HeadMotion forUser(long seed, int user, PinholeCamera camera) {
        return forUser(seed, user, camera, MotionProfile.NORMAL);
    }

    /** The motion of {@code user} in a run seeded with {@code seed}, seen by {@code camera}. */
    public static HeadMotion forUser(long seed, int user, PinholeCamera camera,
            MotionProfile profile) {
        return new HeadMotion(Seeds.forUser(seed, user, Seeds.MOTION), camera, profile);
    }

    /**
     * Fails with a message naming the settings when a face cannot be kept inside this camera's
     * image at any distance up to {@value #MAX_DISTANCE_M} m.
     */
    public static void checkFits(PinholeCamera camera) {
        fit(camera);
    }

    /** The true head pose {@code seconds} after the run started. */
    public HeadPose at(double seconds) {
        double s = seconds * timeScale;
        double shake = shakeAmplitudeDeg * Math.sin(shakeRadPerS * seconds + shakePhase);
        // The head's slow drift in distance and across the image keeps its own pace.
        double z = depthCentre + sum(depthWaves, seconds);
        double x = sum(lateralXWaves, seconds) * (tanX * (z - FACE_EXTENT[2]) - FACE_EXTENT[0]);
        double y = sum(lateralYWaves, seconds) * (tanY * (z - FACE_EXTENT[2]) - FACE_EXTENT[1]);
        return new HeadPose(
                yawShare * (yawCentre + sum(yawWaves, s)) + shake,
                pitchCentre + sum(pitchWaves, s),
                rollCentre + sum(rollWaves, s),
                x, y, z);
    }

    /**
     * An upper bound on how fast any angle of this user changes, in degrees per second: the
     * smoothness promise tests rely on.
     */
    public double maxAngularSpeedDegPerS() {
        double yaw = yawShare * maxSpeed(yawWaves) * timeScale
                + Math.abs(shakeAmplitudeDeg * shakeRadPerS);
        return Math.max(yaw, timeScale * Math.max(maxSpeed(pitchWaves), maxSpeed(rollWaves)));
    }

    private static double[] angleWaves(SplittableRandom random, double minAmplitude,
            double maxAmplitude) {
        return waves(random, WAVES_PER_ANGLE, uniform(random, minAmplitude, maxAmplitude),
                MIN_FREQUENCY_HZ, MAX_FREQUENCY_HZ);
    }

    /**
     * {@code count} sinusoids as (amplitude, angular frequency, phase) triples whose amplitudes
     * add up to {@code total}, so their sum never leaves plus or minus {@code total}.
     */
    private static double[] waves(SplittableRandom random, int count, double total, double minHz,
            double maxHz) {
        double[] hz = new double[count];
        double[] weight = new double[count];
        double weightSum = 0;
        for (int i = 0; i < count; i++) {
            hz[i] = uniform(random, minHz, maxHz);
            weight[i] = uniform(random, 0.3, 1);
            weightSum += weight[i];
        }
        // The slowest wave gets the largest weight: natural motion is mostly slow.
        Arrays.sort(hz);
        Arrays.sort(weight);
        double[] waves = new double[3 * count];
        for (int i = 0; i < count; i++) {
            waves[3 * i] = total * weight[count - 1 - i] / weightSum;
            waves[3 * i + 1] = 2 * Math.PI * hz[i];
            waves[3 * i + 2] = uniform(random, 0, 2 * Math.PI);
        }
        return waves;
    }

    private static double sum(double[] waves, double t) {
        double s = 0;
        for (int i = 0; i < waves.length; i += 3) {
            s += waves[i] * Math.sin(waves[i + 1] * t + waves[i + 2]);
        }
        return s;
    }

    private static double maxSpeed(double[] waves) {
        double s = 0;
        for (int i = 0; i < waves.length; i += 3) {
            s += Math.abs(waves[i] * waves[i + 1]);
        }
        return s;
    }

    private static double uniform(SplittableRandom random, double min, double max) {
        return min + (max - min) * random.nextDouble();
    }

    private record Fit(double tanX, double tanY, double nearestM) {}

    /**
     * A keypoint at head-relative (X, Y, Z) lands inside the margin when
     * {@code |x| + extentX <= tanX * (z - extentZ)}, and likewise for y; so at distance z the head
     * origin may move {@code tanX * (z - extentZ) - extentX} sideways.
     */
    private static Fit fit(PinholeCamera camera) {
        double tanX = (camera.cx() - EDGE_MARGIN_PX) / camera.focalPx();
        double tanY = (camera.cy() - EDGE_MARGIN_PX) / camera.focalPx();
        double nearest = Math.max(MIN_DISTANCE_M, FACE_EXTENT[2] + Math.max(
                (FACE_EXTENT[0] + MIN_LATERAL_ROOM_M) / tanX,
                (FACE_EXTENT[1] + MIN_LATERAL_ROOM_M) / tanY));
        if (!(tanX > 0 && tanY > 0) || nearest > MAX_DISTANCE_M - MIN_DEPTH_RANGE_M) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "imageSize %dx%d with horizontalFovDeg %.1f cannot keep a face inside the image"
                            + " at %.2f to %.2f m (it needs %.2f m): widen the field of view or"
                            + " make the image taller",
                    camera.width(), camera.height(),
                    Math.toDegrees(2 * Math.atan(camera.width() / (2 * camera.focalPx()))),
                    MIN_DISTANCE_M, MAX_DISTANCE_M, nearest));
        }
        return new Fit(tanX, tanY, nearest);
    }

    private static double[] faceExtent() {
        double maxX = 0, maxY = 0, towardsCamera = 0;
        double step = 2.5;
        for (double yaw = -MAX_YAW_DEG; yaw <= MAX_YAW_DEG; yaw += step) {
            for (double pitch = -MAX_PITCH_DEG; pitch <= MAX_PITCH_DEG; pitch += step) {
                for (double roll = -MAX_ROLL_DEG; roll <= MAX_ROLL_DEG; roll += step) {
                    double[] r = new HeadPose(yaw, pitch, roll, 0, 0, 0).rotation();
                    for (int k = 0; k < FaceGeometry.KEYPOINT_COUNT; k++) {
                        double[] p = FaceGeometry.keypoint(k);
                        double x = r[0] * p[0] + r[1] * p[1] + r[2] * p[2];
                        double y = r[3] * p[0] + r[4] * p[1] + r[5] * p[2];
                        double z = r[6] * p[0] + r[7] * p[1] + r[8] * p[2];
                        maxX = Math.max(maxX, Math.abs(x));
                        maxY = Math.max(maxY, Math.abs(y));
                        towardsCamera = Math.max(towardsCamera, -z);
                    }
                }
            }
        }
        // Each angle is within step/2 of a grid point, and no keypoint is 0.12 m from the origin:
        // between grid points a keypoint moves less than 0.12 * 3 * step/2 (radians).
        double pad = 0.12 * 3 * Math.toRadians(step / 2);
        return new double[] {maxX + pad, maxY + pad, towardsCamera + pad};
    }
}
