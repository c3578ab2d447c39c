package io.driftless.source.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftless.inference.face.FaceDetection;
import io.driftless.source.FaceDetector;
import io.driftless.source.testutils.TestVideos;
import io.driftless.source.testutils.TestVideos.Placement;
import io.driftless.source.video.PacedGrabber.Grabbed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grabber on real video files made by the test: pacing, looping, pixels, errors. */
class PacedGrabberTest {

    private static final int FRAMES = 12;
    private static final double FPS = 25;

    @TempDir
    static Path dir;

    private static Path video;
    private static List<Placement> placements;

    @BeforeAll
    static void makeVideo() {
        video = dir.resolve("astronaut.mp4");
        placements = TestVideos.write(video, FRAMES, FPS);
    }

    private static PacedGrabber grabber(VideoSource source, double fps) {
        return new PacedGrabber(source, fps, new Backoff(Duration.ofMillis(50),
                Duration.ofMillis(200)), Duration.ofSeconds(2), Map.of());
    }

    @Test
    void handsOutFramesNoEarlierThanTheFilesRate() {
        try (PacedGrabber grabber = grabber(VideoSource.file(video, false), 0)) {
            grabber.open();
            assertThat(grabber.fps()).isEqualTo(FPS);
            List<Grabbed> frames = new ArrayList<>();
            for (Grabbed g = grabber.next(); g != null; g = grabber.next()) {
                frames.add(g);
            }
            assertThat(frames).hasSize(FRAMES);
            long period = Math.round(1e9 / FPS);
            for (int i = 1; i < frames.size(); i++) {
                // never early: each frame waits for its slot (lateness is the machine's business)
                assertThat(frames.get(i).grabNanos() - frames.get(0).grabNanos())
                        .as("frame %d", i).isGreaterThanOrEqualTo(i * period - period / 10);
            }
        }
    }

    @Test
    void loopsAFileAndStartsOverAtItsEnd() {
        try (PacedGrabber grabber = grabber(VideoSource.file(video, true), 200)) {
            grabber.open();
            for (int i = 0; i < 2 * FRAMES + 3; i++) {
                assertThat(grabber.next()).as("frame %d", i).isNotNull();
            }
            assertThat(grabber.loops()).isEqualTo(2);
        }
    }

    @Test
    void deliversRgbPixelsWhereTheFaceIs() {
        FaceDetection photoFace = TestVideos.astronautFace();
        try (PacedGrabber grabber = grabber(VideoSource.file(video, false), 200);
                FaceDetector detector = new FaceDetector()) {
            grabber.open();
            for (int i = 0; i < FRAMES; i++) {
                Grabbed g = grabber.next();
                assertThat(g.image().width()).isEqualTo(TestVideos.WIDTH);
                List<FaceDetection> faces = detector.detect(g.image());
                assertThat(faces).as("faces in frame %d", i).isNotEmpty();
                double[] expected = placements.get(i).box(photoFace);
                FaceDetection face = faces.get(0);
                double tolerance = 0.1 * (expected[2] - expected[0]);
                assertThat(new double[] {face.left(), face.top(), face.right(), face.bottom()})
                        .as("face box in frame %d", i)
                        .containsExactly(expected, org.assertj.core.data.Offset.offset(tolerance));
            }
        }
    }

    @Test
    void refusesAMissingFileNamingIt() {
        PacedGrabber grabber = grabber(VideoSource.file(dir.resolve("nope.mp4"), true), 0);
        assertThatThrownBy(grabber::open).isInstanceOf(SourceUnavailableException.class)
                .hasMessage("video file '" + dir.resolve("nope.mp4") + "' does not exist");
    }

    @Test
    void refusesAFileThatIsNoVideo() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.mp4"), "not a video at all");
        PacedGrabber grabber = grabber(VideoSource.file(text, true), 0);
        assertThatThrownBy(grabber::open).isInstanceOf(SourceUnavailableException.class)
                .hasMessageStartingWith("cannot open video file '" + text + "'")
                .hasMessageEndingWith("(is it a video FFmpeg can decode?)");
    }

    @Test
    void refusesAMissingWebcamSayingHowToNameOne() {
        PacedGrabber grabber = grabber(VideoSource.webcam("/dev/video-none"), 0);
        assertThatThrownBy(grabber::open).isInstanceOf(SourceUnavailableException.class)
                .hasMessageStartingWith("no webcam at /dev/video-none: plug one in, or name its"
                        + " device");
    }
}
