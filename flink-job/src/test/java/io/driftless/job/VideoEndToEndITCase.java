package io.driftless.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.inference.face.FaceDetection;
import io.driftless.job.testutils.EndToEndCluster;
import io.driftless.job.testutils.FaceVideo;
import io.driftless.job.testutils.JobUnderTest;
import io.driftless.proto.Anchor;
import io.driftless.proto.ArCoordinates;
import io.driftless.proto.DropReason;
import io.driftless.source.FrameSettings;
import io.driftless.source.KafkaLink;
import io.driftless.source.ReportSettings;
import io.driftless.source.SendMode;
import io.driftless.source.video.VideoConfig;
import io.driftless.source.video.VideoRun;
import io.driftless.source.video.VideoSource;
import io.driftless.source.video.VideoSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real video through the whole path, in both of frame-source's modes: it finds the face in
 * each frame of a test video and sends its keypoints, or it sends the frames as JPEG and the job
 * finds the face. Either way the job on the MiniCluster answers with AR anchors, which must land
 * on that face, and every frame is accounted for.
 */
class VideoEndToEndITCase {

    private static final int FRAMES = 30;
    private static final double FPS = 30;
    /** Kept after the run, for a person to look at (README's picture comes from it). */
    private static Path rendered(SendMode mode) {
        return Path.of("target", "video-" + mode.name().toLowerCase(Locale.ROOT) + "-rendered.mp4");
    }

    @RegisterExtension
    static final EndToEndCluster CLUSTER = EndToEndCluster.builder().build();

    @TempDir
    static Path dir;

    @ParameterizedTest
    @EnumSource(SendMode.class)
    void returnsAnchorsOnTheFaceOfEveryAnsweredFrameAndAccountsForAll(SendMode mode) throws Exception {
        Path video = dir.resolve("face.mp4");
        FaceVideo.write(video, FRAMES, FPS);
        FaceDetection photoFace = FaceVideo.photoFace();
        EndToEndCluster.Topics topics = CLUSTER.topics();
        JobConfig config = CLUSTER.config();
        CLUSTER.startJob(config, DriftlessJob.inference(config), Map.of()).awaitServing();

        KafkaLink link = new KafkaLink(CLUSTER.bootstrapServers(), topics.frames(), topics.coordinates(),
                topics.dropped(), topics.annotated(), Duration.ofSeconds(10), Map.of());
        VideoSummary summary;
        try (VideoRun run = new VideoRun(VideoConfig.builder(link, VideoSource.file(video, false))
                // a budget a busy test machine cannot miss: this checks content and accounting, not speed
                .frames(FrameSettings.DEFAULT.withSendMode(mode).withDeadlineMs(1_000))
                // at the video's own size, so the job's anchors are in the video's pixels
                .jpegWidth(FaceVideo.WIDTH)
                .sessionId("astronaut")
                .report(ReportSettings.DEFAULT.withDrainTimeout(Duration.ofSeconds(20)))
                .render(rendered(mode))
                .build())) {
            summary = run.run();
        }
        System.out.print(summary.toTable());

        assertThat(summary.grabbed()).isEqualTo(FRAMES);
        assertThat(summary.noFace()).isZero();
        assertThat(summary.run().sent()).isEqualTo(FRAMES);
        assertThat(summary.run().unanswered()).as("unanswered frames").isZero();
        assertThat(summary.run().responses() + summary.run().droppedTotal())
                .isEqualTo(summary.run().sent());
        assertThat(summary.run().dropped(DropReason.INVALID)).as("keypoints the job refused")
                .isZero();
        assertThat(summary.run().responses()).isGreaterThan(FRAMES * 9 / 10);
        assertThat(summary.rendered()).isEqualTo(FRAMES);
        // every frame answered in time shows the overlay; others may show earlier answers carried on
        assertThat(summary.renderedWithOverlay()).isGreaterThanOrEqualTo(summary.run().onTime())
                .isLessThanOrEqualTo(FRAMES);

        List<ArCoordinates> answers = answers(topics.coordinates(), summary.run().responses());
        assertThat(answers).hasSize((int) summary.run().responses());
        for (ArCoordinates answer : answers) {
            assertThat(answer.getSessionId()).isEqualTo("astronaut");
            int index = (int) answer.getSequence() - 1;
            float left = photoFace.left() + FaceVideo.offsetX(index, FRAMES);
            float top = photoFace.top() + FaceVideo.offsetY();
            for (String name : List.of("glasses_bridge", "nose_tip")) {
                Anchor anchor = anchor(answer, name);
                assertThat(anchor.getX()).as("%s x of frame %d", name, answer.getSequence())
                        .isBetween(left, left + photoFace.width());
                assertThat(anchor.getY()).as("%s y of frame %d", name, answer.getSequence())
                        .isBetween(top, top + photoFace.height());
            }
        }
    }

    private static Anchor anchor(ArCoordinates answer, String name) {
        return answer.getAnchorsList().stream().filter(a -> a.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no anchor " + name + " in " + answer));
    }

    /** Every coordinates record on the topic, polled until {@code expected} are in or 30 s pass. */
    private static List<ArCoordinates> answers(String topic, long expected) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + topic);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ArCoordinates> answers = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p,
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (answers.size() < expected && System.nanoTime() - deadline < 0) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    ArCoordinates a = ArCoordinates.parseFrom(r.value());
                    if (!JobUnderTest.PROBE_SESSION.equals(a.getSessionId())) {
                        answers.add(a);
                    }
                }
            }
        }
        return answers;
    }
}
