package io.driftless.job;

import static io.driftless.job.testutils.JobUnderTest.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.inference.MicroClock;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.server.InferenceServer;
import io.driftless.inference.server.ModelCatalog;
import io.driftless.inference.server.ServerMetrics;
import io.driftless.job.DriftlessOptions.InferenceBackend;
import io.driftless.job.testutils.EndToEndCluster;
import io.driftless.job.testutils.FaceFrames;
import io.driftless.job.testutils.JobUnderTest;
import io.driftless.job.testutils.ResponseLog;
import io.driftless.proto.AnnotatedFrame;
import io.driftless.proto.ArCoordinates;
import io.driftless.proto.Box;
import io.driftless.proto.DropReason;
import io.driftless.proto.DroppedFrame;
import io.driftless.proto.Frame;
import io.driftless.source.accounting.AccountingReport;
import io.driftless.source.accounting.AnswerReader;
import io.driftless.source.accounting.FrameLedger;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The JPEG path end to end: a real broker, the MiniCluster, the shipped face detector and pose
 * model. JPEG sessions stream the face photo moved and scaled frame by frame (so each frame has a
 * known face box) beside landmark sessions, and one session sends only broken images; with
 * the models in-process and on a real inference server.
 */
class JpegPathITCase {

    /** Detected box against the known box: the detector's own test bar (0.7) less room for JPEG and resampling. */
    private static final double MIN_IOU = 0.6;
    private static final int IMAGE_SESSIONS = 3;
    private static final int LANDMARK_SESSIONS = 2;
    private static final int ROUNDS = 10;
    /** The round in which the last image session sends a frame without a face. */
    private static final int BLANK_ROUND = 4;
    private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final EndToEndCluster CLUSTER = EndToEndCluster.builder().build();

    private String frames;
    private String coordinates;
    private String annotated;
    private String dropped;
    private InferenceServer server;

    @BeforeEach
    void topics() {
        frames = CLUSTER.topics().frames();
        coordinates = CLUSTER.topics().coordinates();
        annotated = CLUSTER.topics().annotated();
        dropped = CLUSTER.topics().dropped();
    }

    /** The job first, so that it never runs against a stopped server. */
    @AfterEach
    void stopServer() throws Exception {
        CLUSTER.cancelJob();
        if (server != null) {
            server.stop(Duration.ZERO);
        }
    }

    private JobConfig config(InferenceBackend backend) throws Exception {
        Configuration settings = CLUSTER.settings();
        if (backend == InferenceBackend.REMOTE) {
            // a real inference server on a local port, serving the bundled models
            ServerMetrics metrics = new ServerMetrics();
            server = new InferenceServer(Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()),
                    ModelCatalog.bundled(RunnerOptions.DEFAULTS, MicroClock.system(), metrics), metrics, 2,
                    MicroClock.system()).start();
            settings.set(DriftlessOptions.INFERENCE_BACKEND, backend);
            settings.set(DriftlessOptions.INFERENCE_TARGET, "localhost:" + server.port());
        }
        return JobConfig.from(settings, Map.of());
    }

    @ParameterizedTest
    @EnumSource(InferenceBackend.class)
    void answersImageFramesWithTheFaceDrawnAndItsCoordinatesBesideLandmarkFramesAndRefusesBrokenImages(
            InferenceBackend backend) throws Exception {
        JobConfig config = config(backend);
        CLUSTER.startJob(config, DriftlessJob.inference(config), Map.of()).awaitServing();

        FrameLedger ledger = new FrameLedger();
        Map<String, double[]> faceBoxes = new HashMap<>();
        List<String> blank = new ArrayList<>();
        Random random = new Random(20261121L);
        try (KafkaProducer<byte[], byte[]> producer = JobUnderTest.producer(CLUSTER.bootstrapServers());
                ResponseLog log = new ResponseLog(CLUSTER.bootstrapServers(), coordinates, annotated, dropped)) {
            // closed loop, one round at a time: the load stays what this shared machine can take
            for (int round = 1; round <= ROUNDS; round++) {
                List<Frame> sent = new ArrayList<>();
                for (int s = 0; s < IMAGE_SESSIONS; s++) {
                    String session = "face-" + s;
                    if (s == IMAGE_SESSIONS - 1 && round == BLANK_ROUND) {
                        sent.add(FaceFrames.frame(session, round, FaceFrames.blank(), 640, 480).build());
                        blank.add(ResponseLog.id(session, round));
                        continue;
                    }
                    FaceFrames.Shot shot = randomShot(random);
                    sent.add(FaceFrames.frame(session, round, shot.jpeg(), 640, 480).build());
                    faceBoxes.put(ResponseLog.id(session, round), shot.faceBox());
                }
                for (int s = 0; s < LANDMARK_SESSIONS; s++) {
                    sent.add(JobUnderTest.validFrame("pose-" + s, round).build());
                }
                send(producer, ledger, sent);
                log.awaitUntil(l -> sent.stream().allMatch(f -> l.answered(f.getSessionId(), f.getSequence())),
                        ROUND_TIMEOUT);
            }
            Map<Long, String> badImages = sendBadImages(producer, ledger);

            // the pair of an image frame with a face travels as two records: wait for both
            log.awaitUntil(l -> faceBoxes.keySet().stream().allMatch(id -> l.drops.containsKey(id)
                    || (l.annotated.containsKey(id) && l.responses.containsKey(id)))
                    && badImages.keySet().stream().allMatch(seq -> l.drops.containsKey(ResponseLog.id("bad", seq))),
                    ROUND_TIMEOUT);

            assertFacesFound(log, faceBoxes);
            assertNoFaceFramesAnsweredWithoutCoordinates(log, blank);
            assertLandmarkFramesAnsweredWithCoordinatesOnly(log);
            badImages.forEach((sequence, detail) -> {
                DroppedFrame drop = log.drops.get(ResponseLog.id("bad", sequence));
                assertThat(drop.getReason()).as("reason for bad image %d", sequence).isEqualTo(DropReason.INVALID);
                assertThat(drop.getDetail()).as("detail for bad image %d", sequence).contains(detail);
            });
        }

        new AnswerReader(CLUSTER.bootstrapServers(), coordinates, annotated, dropped, Map.of(), Duration.ofSeconds(30))
                .readInto(ledger, Duration.ofSeconds(30));
        AccountingReport report = ledger.report();
        long sent = (long) ROUNDS * (IMAGE_SESSIONS + LANDMARK_SESSIONS) + 5;
        assertThat(report.total().sent()).isEqualTo(sent);
        assertThat(report.total().answered() + report.total().droppedTotal()).as("in = responses + dropped")
                .isEqualTo(sent);
        assertThat(report.total().unaccounted()).as("unaccounted frames").isZero();
        assertThat(report.total().duplicated()).as("an image frame's pair counted twice").isZero();
        assertThat(report.balanced()).as(report.toTable(20)).isTrue();
    }

    /** The photo at 0.9 to 1.4 times its size, placed so that the whole face is in the frame. */
    private static FaceFrames.Shot randomShot(Random random) {
        double scale = 0.9 + 0.5 * random.nextDouble();
        double dx = -183 * scale + 20 + random.nextDouble() * (640 - 40 - 85 * scale);
        double dy = -82 * scale + 20 + random.nextDouble() * (480 - 40 - 95 * scale);
        return FaceFrames.shot(scale, dx, dy);
    }

    private void send(KafkaProducer<byte[], byte[]> producer, FrameLedger ledger, List<Frame> batch)
            throws Exception {
        for (Frame frame : batch) {
            ledger.sent(frame.getSessionId(), frame.getSequence());
            producer.send(new ProducerRecord<>(frames, key(frame.getSessionId()), frame.toByteArray())).get();
        }
    }

    /** One frame per way an image can be broken; returns what each drop's detail must say. */
    private Map<Long, String> sendBadImages(KafkaProducer<byte[], byte[]> producer, FrameLedger ledger)
            throws Exception {
        byte[] good = FaceFrames.shot(1.0, 64, -16).jpeg();
        Map<Long, String> details = new LinkedHashMap<>();
        List<Frame> batch = new ArrayList<>();
        batch.add(FaceFrames.frame("bad", 1, new byte[] {'G', 'I', 'F', '8', '9', 'a'}, 640, 480).build());
        details.put(1L, "not a JPEG");
        batch.add(FaceFrames.frame("bad", 2, FaceFrames.truncated(good, 40), 640, 480).build());
        details.put(2L, "JPEG is truncated");
        batch.add(FaceFrames.frame("bad", 3, FaceFrames.headerOnly(60_000, 60_000), 640, 480).build());
        details.put(3L, "JPEG declares 60000x60000, over the 4096-pixel side limit");
        batch.add(FaceFrames.frame("bad", 4, good, 320, 240).build());
        details.put(4L, "JPEG is 640x480 but the frame declares 320x240");
        // passes the header check: only decoding it, in inference, finds the damage
        batch.add(FaceFrames.frame("bad", 5, FaceFrames.corruptBody(good), 640, 480).build());
        details.put(5L, "JPEG is corrupt");
        send(producer, ledger, batch);
        return details;
    }

    private static void assertFacesFound(ResponseLog log, Map<String, double[]> faceBoxes) throws Exception {
        int answered = 0;
        double worstIou = 1;
        for (Map.Entry<String, double[]> expected : faceBoxes.entrySet()) {
            String id = expected.getKey();
            if (log.drops.containsKey(id)) {
                // a drop is allowed (a busy machine: late, or refused at a queue that would have
                // made it late), a wrong one is not
                DroppedFrame drop = log.drops.get(id);
                assertThat(drop.getReason()).as("drop reason of %s", id)
                        .isIn(DropReason.LATE_ON_ARRIVAL, DropReason.DEADLINE_EXCEEDED, DropReason.OVERLOADED);
                assertThat(drop.getDetail()).as("drop detail of %s", id).isNotBlank();
                continue;
            }
            answered++;
            AnnotatedFrame frame = log.annotated.get(id);
            assertThat(frame.getDetectionsCount()).as("faces found in %s", id).isGreaterThanOrEqualTo(1);
            Box box = frame.getDetections(0).getBox();
            double iou = FaceFrames.iou(expected.getValue(),
                    new double[] {box.getXMin(), box.getYMin(), box.getXMax(), box.getYMax()});
            worstIou = Math.min(worstIou, iou);
            assertThat(iou).as("IoU of %s's box %s with the known face", id, box).isGreaterThanOrEqualTo(MIN_IOU);
            assertThat(frame.getDetections(0).getKeypointsCount()).isEqualTo(6);
            assertThat(frame.getTiming().getInferenceEndUs()).isGreaterThan(frame.getTiming().getInferenceStartUs());
            assertThat(frame.getTiming().getEmitUs()).isGreaterThanOrEqualTo(frame.getTiming().getInferenceEndUs());
            BufferedImage drawn = ImageIO.read(new ByteArrayInputStream(frame.getJpeg().toByteArray()));
            assertThat(drawn.getWidth()).isEqualTo(640);
            assertThat(drawn.getHeight()).isEqualTo(480);

            ArCoordinates pose = log.responses.get(id);
            assertThat(pose).as("coordinates of %s", id).isNotNull();
            assertThat(pose.getAnchorsCount()).isEqualTo(FaceGeometry.AR_ANCHORS.size());
            assertThat(pose.getConfidence()).as("pose confidence of %s", id).isGreaterThan(0f);
            // a frontal photo, moved about the frame: seen off the camera's axis, but never in profile
            assertThat(Math.abs(pose.getPose().getYawDeg())).as("yaw of %s", id).isLessThan(45f);
            assertThat(pose.getPose().getZM()).as("distance of %s", id).isPositive();
        }
        assertThat(answered).as("image frames answered of %d (worst IoU %.2f)", faceBoxes.size(), worstIou)
                .isGreaterThanOrEqualTo(faceBoxes.size() * 8 / 10);
    }

    private static void assertNoFaceFramesAnsweredWithoutCoordinates(ResponseLog log, List<String> blank) {
        for (String id : blank) {
            if (log.drops.containsKey(id)) {
                continue;
            }
            assertThat(log.annotated.get(id)).as("annotated frame of %s", id).isNotNull();
            assertThat(log.annotated.get(id).getDetectionsCount()).as("faces in a blank frame").isZero();
            assertThat(log.responses).as("coordinates of a frame without a face").doesNotContainKey(id);
        }
    }

    private static void assertLandmarkFramesAnsweredWithCoordinatesOnly(ResponseLog log) {
        for (int s = 0; s < LANDMARK_SESSIONS; s++) {
            for (long round = 1; round <= ROUNDS; round++) {
                String id = ResponseLog.id("pose-" + s, round);
                assertThat(log.responses.containsKey(id) || log.drops.containsKey(id)).as("answer to %s", id).isTrue();
                assertThat(log.annotated).as("annotated frames of landmark frames").doesNotContainKey(id);
            }
        }
        long posed = log.responses.keySet().stream().filter(id -> id.startsWith("pose-")).count();
        assertThat(posed).as("landmark frames answered").isGreaterThanOrEqualTo(LANDMARK_SESSIONS * ROUNDS * 8 / 10);
    }
}
