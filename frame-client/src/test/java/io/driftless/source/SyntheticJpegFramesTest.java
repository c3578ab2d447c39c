package io.driftless.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftless.inference.face.FaceDetection;
import io.driftless.inference.face.RgbImage;
import io.driftless.inference.image.JpegCodec;
import io.driftless.inference.image.JpegLimits;
import io.driftless.proto.Image;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticJpegFramesTest {

    private static final int USERS = 3;

    private static SyntheticConfig.Builder config() {
        return SyntheticConfig.builder().bootstrapServers("localhost:9092").sendMode(SendMode.JPEG)
                .users(USERS).seed(7);
    }

    @Test
    void everyFrameIsAJpegOfTheCameraSizeWithTheFaceInIt() {
        SyntheticJpegFrames frames = SyntheticJpegFrames.encode(config().build());
        JpegCodec codec = new JpegCodec(JpegLimits.DEFAULTS);

        try (FaceDetector detector = new FaceDetector()) {
            for (int user = 0; user < USERS; user++) {
                for (int sequence = 1; sequence <= SyntheticJpegFrames.RING; sequence++) {
                    Image image = frames.image(user, sequence);
                    assertThat(image.getWidth()).isEqualTo(640);
                    assertThat(image.getHeight()).isEqualTo(480);
                    RgbImage decoded = codec.decode(image.getJpeg().toByteArray(), 640, 480);
                    List<FaceDetection> faces = detector.detect(decoded);
                    assertThat(faces).as("faces of user %d, frame %d", user, sequence).hasSize(1);
                    // a face that fills a fair part of the frame, as a camera held at arm's length
                    assertThat(faces.get(0).right() - faces.get(0).left()).isBetween(100f, 400f);
                }
            }
        }
    }

    @Test
    void eachUserAndEachFrameOfItsRingSendsDifferentBytes() {
        SyntheticJpegFrames frames = SyntheticJpegFrames.encode(config().build());

        Set<Image> distinct = new HashSet<>();
        for (int user = 0; user < USERS; user++) {
            for (int sequence = 1; sequence <= SyntheticJpegFrames.RING; sequence++) {
                distinct.add(frames.image(user, sequence));
            }
        }
        assertThat(distinct).hasSize(USERS * SyntheticJpegFrames.RING);
        assertThat(frames.distinctJpegs().length).isEqualTo(USERS * SyntheticJpegFrames.RING);
    }

    @Test
    void cyclesThroughTheRingAndRepeatsWithTheSeed() {
        SyntheticJpegFrames frames = SyntheticJpegFrames.encode(config().build());
        SyntheticJpegFrames again = SyntheticJpegFrames.encode(config().build());
        SyntheticJpegFrames otherSeed = SyntheticJpegFrames.encode(config().seed(8).build());

        assertThat(frames.image(1, 2 + SyntheticJpegFrames.RING)).isSameAs(frames.image(1, 2));
        assertThat(again.image(1, 2)).isEqualTo(frames.image(1, 2));
        assertThat(otherSeed.image(1, 2)).isNotEqualTo(frames.image(1, 2));
    }

    @Test
    void usersBeyondTheDistinctFramingsShareThem() {
        BufferedImage photo = SyntheticJpegFrames.bundled();
        int users = SyntheticJpegFrames.MAX_PLACEMENTS + 2;

        SyntheticJpegFrames frames = SyntheticJpegFrames.encode(photo, users, 32, 32, 50, 7);

        assertThat(frames.distinctJpegs().length).isEqualTo(SyntheticJpegFrames.MAX_PLACEMENTS * SyntheticJpegFrames.RING);
        assertThat(frames.image(SyntheticJpegFrames.MAX_PLACEMENTS + 1, 3)).isSameAs(frames.image(1, 3));
        assertThat(frames.image(2, 3)).isNotEqualTo(frames.image(1, 3));
    }

    @Test
    void saysWhenTheNamedPhotoIsNoImage(@TempDir Path dir) throws Exception {
        Path notAPhoto = Files.writeString(dir.resolve("photo.jpg"), "not a photo");
        SyntheticConfig config = config().image(notAPhoto).build();

        assertThatThrownBy(() -> SyntheticJpegFrames.encode(config))
                .isInstanceOf(FrameSourceException.class)
                .hasMessage("image '" + notAPhoto + "' is not a JPEG, PNG, GIF or BMP this JVM can read:"
                        + " name a photo with a face in one of those formats");
    }
}
