package io.driftless.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class HeadMotionTest {

    private static final long SEED = 7L;
    private static final int USERS = 40;
    private static final double SECONDS = 120;
    private static final double STEP_S = 1.0 / 30;
    private static final PinholeCamera VGA = PinholeCamera.withHorizontalFov(640, 480, 60);

    static Stream<PinholeCamera> cameras() {
        return Stream.of(VGA,
                PinholeCamera.withHorizontalFov(1280, 720, 70),
                PinholeCamera.withHorizontalFov(480, 640, 90),
                PinholeCamera.withHorizontalFov(320, 240, 40));
    }

    @Test
    void keepsAnglesAndDistanceWithinTheirBoundsForEveryUser() {
        for (int user = 0; user < USERS; user++) {
            HeadMotion motion = HeadMotion.forUser(SEED, user, VGA);
            for (double t = 0; t < SECONDS; t += STEP_S) {
                HeadPose p = motion.at(t);
                assertThat(Math.abs(p.yawDeg())).as("yaw of user %d at %.2f s", user, t)
                        .isLessThanOrEqualTo(HeadMotion.MAX_YAW_DEG);
                assertThat(Math.abs(p.pitchDeg())).as("pitch of user %d at %.2f s", user, t)
                        .isLessThanOrEqualTo(HeadMotion.MAX_PITCH_DEG);
                assertThat(Math.abs(p.rollDeg())).as("roll of user %d at %.2f s", user, t)
                        .isLessThanOrEqualTo(HeadMotion.MAX_ROLL_DEG);
                assertThat(p.zM()).as("distance of user %d at %.2f s", user, t)
                        .isBetween(HeadMotion.MIN_DISTANCE_M, HeadMotion.MAX_DISTANCE_M);
            }
        }
    }

    @Test
    void keepsYawMostlyWithin45Degrees() {
        long samples = 0;
        long within = 0;
        for (int user = 0; user < USERS; user++) {
            HeadMotion motion = HeadMotion.forUser(SEED, user, VGA);
            for (double t = 0; t < SECONDS; t += STEP_S) {
                samples++;
                within += Math.abs(motion.at(t).yawDeg()) <= 45 ? 1 : 0;
            }
        }
        assertThat((double) within / samples).isGreaterThan(0.95);
    }

    @ParameterizedTest
    @MethodSource("cameras")
    void keepsAllSixKeypointsInsideTheImage(PinholeCamera camera) {
        for (int user = 0; user < USERS; user++) {
            HeadMotion motion = HeadMotion.forUser(SEED, user, camera);
            for (double t = 0; t < SECONDS; t += STEP_S) {
                float[] xy = FaceGeometry.projectKeypoints(motion.at(t), camera);
                for (int i = 0; i < xy.length; i += 2) {
                    assertThat(xy[i]).as("x of keypoint %d, user %d, %.2f s", i / 2, user, t)
                            .isBetween((float) HeadMotion.EDGE_MARGIN_PX,
                                    (float) (camera.width() - HeadMotion.EDGE_MARGIN_PX));
                    assertThat(xy[i + 1]).as("y of keypoint %d, user %d, %.2f s", i / 2, user, t)
                            .isBetween((float) HeadMotion.EDGE_MARGIN_PX,
                                    (float) (camera.height() - HeadMotion.EDGE_MARGIN_PX));
                }
            }
        }
    }

    @Test
    void turnsNoFasterThanItsAngularSpeedBound() {
        double dt = 0.001;
        for (int user = 0; user < USERS; user++) {
            HeadMotion motion = HeadMotion.forUser(SEED, user, VGA);
            double bound = motion.maxAngularSpeedDegPerS();
            assertThat(bound).as("speed bound of user %d", user).isLessThanOrEqualTo(180);
            HeadPose previous = motion.at(0);
            for (double t = dt; t < 30; t += dt) {
                HeadPose p = motion.at(t);
                assertThat(Math.abs(p.yawDeg() - previous.yawDeg()) / dt).isLessThanOrEqualTo(bound);
                assertThat(Math.abs(p.pitchDeg() - previous.pitchDeg()) / dt)
                        .isLessThanOrEqualTo(bound);
                assertThat(Math.abs(p.rollDeg() - previous.rollDeg()) / dt)
                        .isLessThanOrEqualTo(bound);
                double moved = Math.hypot(Math.hypot(p.xM() - previous.xM(), p.yM() - previous.yM()),
                        p.zM() - previous.zM());
                assertThat(moved / dt).as("head speed in m/s").isLessThan(0.5);
                previous = p;
            }
        }
    }

    @Test
    void movesThroughAWideRangeOfPoses() {
        for (int user = 0; user < USERS; user++) {
            HeadMotion motion = HeadMotion.forUser(SEED, user, VGA);
            double minYaw = Double.MAX_VALUE, maxYaw = -Double.MAX_VALUE;
            double minPitch = Double.MAX_VALUE, maxPitch = -Double.MAX_VALUE;
            for (double t = 0; t < SECONDS; t += STEP_S) {
                HeadPose p = motion.at(t);
                minYaw = Math.min(minYaw, p.yawDeg());
                maxYaw = Math.max(maxYaw, p.yawDeg());
                minPitch = Math.min(minPitch, p.pitchDeg());
                maxPitch = Math.max(maxPitch, p.pitchDeg());
            }
            assertThat(maxYaw - minYaw).as("yaw range of user %d", user).isGreaterThan(20);
            assertThat(maxPitch - minPitch).as("pitch range of user %d", user).isGreaterThan(8);
        }
    }

    @Test
    void isDeterministicPerSeedAndUser() {
        HeadMotion a = HeadMotion.forUser(SEED, 3, VGA);
        HeadMotion b = HeadMotion.forUser(SEED, 3, VGA);
        for (double t = 0; t < 10; t += 0.37) {
            assertThat(a.at(t)).isEqualTo(b.at(t));
        }
    }

    @Test
    void givesEachUserAndSeedItsOwnMotion() {
        HeadPose user3 = HeadMotion.forUser(SEED, 3, VGA).at(5);
        assertThat(HeadMotion.forUser(SEED, 4, VGA).at(5)).isNotEqualTo(user3);
        assertThat(HeadMotion.forUser(SEED + 1, 3, VGA).at(5)).isNotEqualTo(user3);
    }

    @Test
    void rejectsACameraThatCannotKeepAFaceInView() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HeadMotion.checkFits(PinholeCamera.withHorizontalFov(640, 64, 20)))
                .withMessageContaining("imageSize 640x64 with horizontalFovDeg 20.0")
                .withMessageContaining("widen the field of view");
    }

    @ParameterizedTest
    @EnumSource(MotionProfile.class)
    void turnsNoFasterThanItsProfilesPeakAndNearlyAsFastWithinAMinute(MotionProfile profile) {
        double step = 1.0 / 1000;
        for (int user = 0; user < USERS; user++) {
            HeadMotion motion = HeadMotion.forUser(SEED, user, VGA, profile);
            assertThat(motion.maxAngularSpeedDegPerS()).as("bound of user %d", user)
                    .isLessThanOrEqualTo(profile.peakDegPerS() + 1e-9);
            if (profile.shakeHz() == 0) {
                assertThat(motion.maxAngularSpeedDegPerS()).as("bound of user %d", user)
                        .isCloseTo(profile.peakDegPerS(), within(1e-6));
            }
            double fastest = 0;
            HeadPose previous = motion.at(0);
            for (double t = step; t < 60; t += step) {
                HeadPose p = motion.at(t);
                double speed = Math.max(Math.abs(p.yawDeg() - previous.yawDeg()),
                        Math.max(Math.abs(p.pitchDeg() - previous.pitchDeg()),
                                Math.abs(p.rollDeg() - previous.rollDeg()))) / step;
                assertThat(speed).as("speed of user %d at %.3f s", user, t)
                        .isLessThanOrEqualTo(profile.peakDegPerS() * 1.001);
                fastest = Math.max(fastest, speed);
                previous = p;
            }
            assertThat(fastest).as("fastest turn of user %d in 60 s", user)
                    .isGreaterThan(profile.peakDegPerS() * 0.7);
        }
    }

    @Test
    void fastTurnsAtLeast120DegreesPerSecondWithin20Seconds() {
        double step = 1.0 / 1000;
        for (int user = 0; user < USERS; user++) {
            HeadMotion motion = HeadMotion.forUser(SEED, user, VGA, MotionProfile.FAST);
            double fastest = 0;
            HeadPose previous = motion.at(0);
            for (double t = step; t < 20; t += step) {
                HeadPose p = motion.at(t);
                fastest = Math.max(fastest, Math.abs(p.yawDeg() - previous.yawDeg()) / step);
                fastest = Math.max(fastest, Math.abs(p.pitchDeg() - previous.pitchDeg()) / step);
                fastest = Math.max(fastest, Math.abs(p.rollDeg() - previous.rollDeg()) / step);
                previous = p;
            }
            assertThat(fastest).as("fastest turn of user %d", user).isGreaterThanOrEqualTo(120);
        }
    }

    @ParameterizedTest
    @EnumSource(MotionProfile.class)
    void keepsEveryProfileWithinTheAngleBounds(MotionProfile profile) {
        for (int user = 0; user < USERS; user++) {
            HeadMotion motion = HeadMotion.forUser(SEED, user, VGA, profile);
            for (double t = 0; t < SECONDS; t += STEP_S / 3) {
                HeadPose p = motion.at(t);
                assertThat(Math.abs(p.yawDeg())).as("yaw of user %d at %.3f s", user, t)
                        .isLessThanOrEqualTo(HeadMotion.MAX_YAW_DEG);
                assertThat(Math.abs(p.pitchDeg())).isLessThanOrEqualTo(HeadMotion.MAX_PITCH_DEG);
                assertThat(Math.abs(p.rollDeg())).isLessThanOrEqualTo(HeadMotion.MAX_ROLL_DEG);
            }
        }
    }

    @Test
    void replaysTheSameMotionForTheSameSeedUserAndProfile() {
        for (MotionProfile profile : MotionProfile.values()) {
            assertThat(HeadMotion.forUser(SEED, 5, VGA, profile).at(3.25))
                    .isEqualTo(HeadMotion.forUser(SEED, 5, VGA, profile).at(3.25));
        }
        assertThat(HeadMotion.forUser(SEED, 5, VGA, MotionProfile.FAST).at(3.25))
                .isNotEqualTo(HeadMotion.forUser(SEED, 5, VGA, MotionProfile.CALM).at(3.25));
    }
}
