package io.driftless.source.video;

import io.driftless.source.SendMode;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.inference.face.FaceDetection;
import io.driftless.inference.face.RgbImage;
import io.driftless.inference.image.JpegCodec;
import io.driftless.inference.image.JpegLimits;
import io.driftless.proto.DropReason;
import io.driftless.proto.Frame;
import io.driftless.proto.KeypointScheme;
import io.driftless.proto.Point;
import io.driftless.source.FrameSettings;
import io.driftless.source.KafkaLink;
import io.driftless.source.ReportSettings;
import io.driftless.source.testutils.CameraResponder;
import io.driftless.source.testutils.TestBroker;
import io.driftless.source.testutils.TestVideos;
import io.driftless.source.testutils.TestVideos.Placement;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame.Type;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** One camera's run against a real broker, with a responder standing in for the job. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VideoRunITCase {

    private static final int FRAMES = 16;
    private static final double FPS = 30;
    /** Generous: the render check is about which frames were answered, not about speed. */
    private static final int DEADLINE_MS = 3_000;

    @RegisterExtension
    static final TestBroker KAFKA = new TestBroker("video", 1);

    @TempDir
    static Path dir;

    private Path video;
    private List<Placement> placements;
    private FaceDetection photoFace;
    private String frames;
    private String coordinates;
    private String annotated;
    private String dropped;

    @BeforeAll
    void writeTheVideo() {
        video = dir.resolve("astronaut.mp4");
        placements = TestVideos.write(video, FRAMES, FPS);
        photoFace = TestVideos.astronautFace();
    }

    @BeforeEach
    void freshTopics() {
        frames = KAFKA.topics().frames();
        coordinates = KAFKA.topics().coordinates();
        annotated = KAFKA.topics().annotated();
        dropped = KAFKA.topics().dropped();
    }

    /** A run of the test video sending {@code sent} frames, each with the test's generous deadline. */
    private VideoConfig.Builder config(FrameSettings sent) {
        SendMode mode = sent.sendMode();
        KafkaLink link = new KafkaLink(KAFKA.bootstrapServers(), frames, coordinates, dropped,
                mode == SendMode.JPEG ? annotated : null, Duration.ofSeconds(10), Map.of());
        return VideoConfig.builder(link, VideoSource.file(video, false))
                .frames(sent.withDeadlineMs(DEADLINE_MS))
                .sessionId("cam-" + mode.name().toLowerCase())
                .report(ReportSettings.DEFAULT.withDrainTimeout(Duration.ofSeconds(20)));
    }

    private CameraResponder responder(java.util.function.LongPredicate answer) {
        return new CameraResponder(KAFKA.bootstrapServers(), frames, coordinates, annotated,
                dropped, answer);
    }

    @Test
    void sendsTheKeypointsOfTheFaceInEachFrameAndAccountsForEveryOne() throws Exception {
        VideoSummary summary;
        List<Frame> sent;
        try (CameraResponder responder = responder(seq -> seq % 2 == 0);
                VideoRun run = new VideoRun(config(FrameSettings.DEFAULT).build())) {
            summary = run.run();
            sent = responder.frames();
        }

        assertThat(summary.grabbed()).isEqualTo(FRAMES);
        assertThat(summary.noFace()).isZero();
        assertThat(summary.run().sent()).isEqualTo(FRAMES);
        assertThat(summary.run().responses()).isEqualTo(FRAMES / 2);
        assertThat(summary.run().dropped(DropReason.LATE_ON_ARRIVAL)).isEqualTo(FRAMES / 2);
        assertThat(summary.run().unanswered()).isZero();
        assertThat(sent).hasSize(FRAMES);
        for (Frame frame : sent) {
            assertThat(frame.getSessionId()).isEqualTo("cam-landmarks");
            assertThat(frame.getDeadlineMs()).isEqualTo(DEADLINE_MS);
            assertThat(frame.getCaptureTimeUs()).isPositive()
                    .isLessThanOrEqualTo(frame.getSendTimeUs());
            assertThat(frame.getLandmarks().getScheme()).isEqualTo(KeypointScheme.BLAZEFACE_SIX);
            assertThat(frame.getLandmarks().getImageWidth()).isEqualTo(TestVideos.WIDTH);
            assertThat(frame.getLandmarks().getImageHeight()).isEqualTo(TestVideos.HEIGHT);
            assertThat(frame.getLandmarks().getKeypointsList()).hasSize(6);
            double[] box = placements.get((int) frame.getSequence() - 1).box(photoFace);
            double margin = 0.25 * (box[2] - box[0]);
            for (Point p : frame.getLandmarks().getKeypointsList()) {
                assertThat(p.getX()).as("x of a keypoint of frame %d", frame.getSequence())
                        .isBetween((float) (box[0] - margin), (float) (box[2] + margin));
                assertThat(p.getY()).as("y of a keypoint of frame %d", frame.getSequence())
                        .isBetween((float) (box[1] - margin), (float) (box[3] + margin));
            }
        }
        assertThat(sent).extracting(Frame::getSequence)
                .containsExactlyElementsOf(sequences(FRAMES));
    }

    @Test
    void sendsDecodableJpegsOfTheRequestedSizeAndCountsTheAnnotatedAnswers() throws Exception {
        VideoSummary summary;
        List<Frame> sent;
        try (CameraResponder responder = responder(seq -> true);
                VideoRun run = new VideoRun(
                        config(FrameSettings.DEFAULT.withSendMode(SendMode.JPEG).withJpegQuality(70))
                                .jpegWidth(240).build())) {
            summary = run.run();
            sent = responder.frames();
        }

        assertThat(summary.run().sent()).isEqualTo(FRAMES);
        assertThat(summary.run().responses()).isEqualTo(FRAMES);
        assertThat(summary.run().duplicates()).as("coordinates beside an annotated frame")
                .isZero();
        assertThat(summary.run().unanswered()).isZero();
        JpegCodec codec = new JpegCodec(JpegLimits.DEFAULTS);
        for (Frame frame : sent) {
            assertThat(frame.getImage().getWidth()).isEqualTo(240);
            assertThat(frame.getImage().getHeight()).isEqualTo(180);
            RgbImage decoded = codec.decode(frame.getImage().getJpeg().toByteArray(), 240, 180);
            assertThat(decoded.width()).isEqualTo(240);
            assertThat(decoded.height()).isEqualTo(180);
        }
    }

    @Test
    void carriesTheOverlayOverFramesWhoseAnswerNeverCameSoItNeitherFreezesNorBlinks()
            throws Exception {
        Path out = dir.resolve("rendered.mp4");
        VideoSummary summary;
        try (CameraResponder responder = responder(seq -> seq % 3 != 0);
                VideoRun run = new VideoRun(config(FrameSettings.DEFAULT).render(out).build())) {
            summary = run.run();
        }

        assertThat(summary.rendered()).isEqualTo(FRAMES);
        assertThat(summary.renderedWithOverlay()).isEqualTo(FRAMES);
        assertThat(boxDrawnPerFrame(out)).as("whether frame 1.. shows the box")
                .isEqualTo(Collections.nCopies(FRAMES, true));
    }

    @Test
    void fadesTheOverlayOutOnceTheAnswersStop() throws Exception {
        Path out = dir.resolve("faded.mp4");
        try (CameraResponder responder = responder(seq -> seq <= 4);
                VideoRun run = new VideoRun(config(FrameSettings.DEFAULT).render(out).build())) {
            run.run();
        }

        // Frame 4's answer is carried in full for 100 ms (to about frame 7), then fades out by
        // 300 ms (about frame 13); frames 15 and 16 are over 360 ms past it.
        List<Boolean> boxDrawn = boxDrawnPerFrame(out);
        assertThat(boxDrawn.subList(0, 6)).as("frames 1 to 6").containsOnly(true);
        assertThat(boxDrawn.subList(14, 16)).as("frames 15 and 16").containsOnly(false);
    }

    /** For each frame of the video: is the bottom edge of the responder's box drawn green? */
    private static List<Boolean> boxDrawnPerFrame(Path file) throws Exception {
        List<Boolean> drawn = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
            grabber.start();
            for (org.bytedeco.javacv.Frame f = grabber.grabImage(); f != null;
                    f = grabber.grabImage()) {
                assertThat(f.getTypes()).contains(Type.VIDEO);
                ByteBuffer pixels = (ByteBuffer) f.image[0];
                int y = (int) CameraResponder.BOX.getYMax();
                int green = 0;
                for (int x = 160; x < 190; x++) {
                    int i = y * f.imageStride + x * 3;
                    int r = pixels.get(i) & 0xFF;
                    int g = pixels.get(i + 1) & 0xFF;
                    int b = pixels.get(i + 2) & 0xFF;
                    if (g > r + 60 && g > b + 60) {
                        green++;
                    }
                }
                drawn.add(green > 20);
            }
        }
        return drawn;
    }

    private static List<Long> sequences(int n) {
        List<Long> s = new ArrayList<>();
        for (long i = 1; i <= n; i++) {
            s.add(i);
        }
        return s;
    }
}
