package io.driftless.source.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.HeadPose;
import io.driftless.proto.Frame;
import io.driftless.proto.Image;
import io.driftless.proto.KeypointScheme;
import io.driftless.source.FrameSettings;
import io.driftless.source.SendMode;
import io.driftless.source.SyntheticConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SyntheticUsersTest {

    private static final SyntheticConfig CONFIG = SyntheticConfig.builder()
            .bootstrapServers("localhost:9092")
            .users(20)
            .maxClockSkew(Duration.ofSeconds(5))
            .noisePx(1.5)
            .seed(11)
            .build();
    private static final SessionIds SESSIONS = new SessionIds("rsu", 20);

    @Test
    void sendsTheTruePoseProjectedWithNoiseAndTheCamera() {
        SyntheticUsers users = new SyntheticUsers(CONFIG, SESSIONS);
        HeadPose truth = users.truth(3, 2.5);
        Frame frame = users.frame(3, 76, truth, 1_000_000, 1_000_400);

        float[] exact = FaceGeometry.projectKeypoints(truth, CONFIG.camera());
        assertThat(frame.getSessionId()).isEqualTo("rsu-u0003");
        assertThat(frame.getSequence()).isEqualTo(76);
        assertThat(frame.getDeadlineMs()).isEqualTo(33);
        assertThat(frame.getLandmarks().getScheme()).isEqualTo(KeypointScheme.BLAZEFACE_SIX);
        assertThat(frame.getLandmarks().getImageWidth()).isEqualTo(640);
        assertThat(frame.getLandmarks().getImageHeight()).isEqualTo(480);
        assertThat((double) frame.getLandmarks().getFocalLengthPx())
                .isCloseTo(CONFIG.camera().focalPx(), within(1e-3));
        assertThat(frame.getLandmarks().getKeypointsList()).hasSize(6);
        for (int i = 0; i < 6; i++) {
            assertThat(frame.getLandmarks().getKeypoints(i).getX())
                    .isCloseTo(exact[2 * i], within(6 * 1.5f));
            assertThat(frame.getLandmarks().getKeypoints(i).getY())
                    .isCloseTo(exact[2 * i + 1], within(6 * 1.5f));
        }
    }

    @Test
    void shiftsCaptureAndSendStampsByTheSameSeededSkew() {
        SyntheticUsers users = new SyntheticUsers(CONFIG, SESSIONS);
        boolean anySkewed = false;
        for (int user = 0; user < 20; user++) {
            Frame frame = users.frame(user, 1, users.truth(user, 0), 1_000_000_000, 1_000_000_400);
            long skew = frame.getCaptureTimeUs() - 1_000_000_000;
            assertThat(skew).isBetween(-5_000_000L, 5_000_000L).isEqualTo(users.skewMicros(user));
            assertThat(frame.getSendTimeUs() - frame.getCaptureTimeUs()).isEqualTo(400);
            anySkewed |= skew != 0;
        }
        assertThat(anySkewed).isTrue();
    }

    @Test
    void replaysTheSameFramesFromTheSameSeed() {
        SyntheticUsers a = new SyntheticUsers(CONFIG, SESSIONS);
        SyntheticUsers b = new SyntheticUsers(CONFIG, SESSIONS);
        for (long seq = 1; seq < 10; seq++) {
            assertThat(a.frame(2, seq, a.truth(2, seq / 30.0), seq, seq))
                    .isEqualTo(b.frame(2, seq, b.truth(2, seq / 30.0), seq, seq));
        }
    }

    @Test
    void sendsAJpegFrameWithTheImageAndTheStampsALandmarkFrameWouldCarry() {
        SyntheticUsers users = new SyntheticUsers(CONFIG, SESSIONS);
        Image image = Image.newBuilder().setJpeg(ByteString.copyFrom(new byte[] {(byte) 0xFF, (byte) 0xD8}))
                .setWidth(640).setHeight(480).build();
        Frame jpeg = users.frame(5, 9, image, 2_000_000, 2_000_300);
        Frame landmarks = users.frame(5, 9, users.truth(5, 1), 2_000_000, 2_000_300);

        assertThat(jpeg.getImage()).isEqualTo(image);
        assertThat(jpeg.hasLandmarks()).isFalse();
        assertThat(jpeg.toBuilder().clearImage().build())
                .isEqualTo(landmarks.toBuilder().clearLandmarks().build());
        assertThat(jpeg.getCaptureTimeUs()).isEqualTo(2_000_000 + users.skewMicros(5));
        assertThat(jpeg.getSessionId()).isEqualTo("rsu-u0005");
        assertThat(jpeg.getDeadlineMs()).isEqualTo(33);
        assertThat(jpeg.getImage().getModel()).as("no model asked for: the job's first").isEmpty();
    }

    @Test
    void asksForTheImageModelItsSettingsName() {
        SyntheticConfig config = SyntheticConfig.builder().bootstrapServers("localhost:9092").users(20).seed(7)
                .frames(FrameSettings.DEFAULT.withSendMode(SendMode.JPEG).withImageModel("resnet18")).build();
        Image image = Image.newBuilder().setJpeg(ByteString.copyFrom(new byte[] {(byte) 0xFF, (byte) 0xD8}))
                .setWidth(640).setHeight(480).build();

        Frame jpeg = new SyntheticUsers(config, SESSIONS).frame(5, 9, image, 2_000_000, 2_000_300);

        assertThat(jpeg.getImage().getModel()).isEqualTo("resnet18");
        assertThat(jpeg.getImage().getJpeg()).isEqualTo(image.getJpeg());
    }
}
