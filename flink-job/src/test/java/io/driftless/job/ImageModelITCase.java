package io.driftless.job;

import static io.driftless.job.testutils.JobUnderTest.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.driftless.inference.image.Annotator;
import io.driftless.inference.testutils.RunningServer;
import io.driftless.job.testutils.ColourModels;
import io.driftless.job.testutils.EndToEndCluster;
import io.driftless.job.testutils.FaceFrames;
import io.driftless.job.testutils.JobUnderTest;
import io.driftless.job.testutils.ResponseLog;
import io.driftless.proto.AnnotatedFrame;
import io.driftless.proto.Box;
import io.driftless.proto.Classification;
import io.driftless.proto.Detection;
import io.driftless.proto.DropReason;
import io.driftless.proto.DroppedFrame;
import io.driftless.proto.Frame;
import io.driftless.source.accounting.AccountingReport;
import io.driftless.source.accounting.AnswerReader;
import io.driftless.source.accounting.FrameLedger;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own image model selected by configuration alone, end to end: a real broker, the
 * MiniCluster, the model loaded from a folder (ONNX file, descriptor, labels) by the job, or by
 * a real inference server the job calls. The
 * models answer from the frame's content: each class's score is the mean of one colour channel,
 * so a solid red frame is "red". Frames of known colour go in; labels, scores, boxes mapped back
 * through the letterbox and every frame's fate are checked.
 */
class ImageModelITCase {

    private static final int SESSIONS = 3;
    private static final int ROUNDS = 4;
    private static final int[] COLOURS = {0xFF0000, 0x00FF00, 0x0000FF};
    private static final List<String> LABELS = ColourModels.LABELS;
    private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(60);
    private static final int SIZE = 64;
    /** The one anchor's box in model pixels: centre (32, 32), 20 x 10. */
    private static final float[] BOX = {32, 32, 20, 10};
    /** That box in a 640 x 480 frame: letterboxed at 0.1 with 8 model pixels of border above. */
    private static final float[] FRAME_BOX = {220, 190, 420, 290};

    /**
     * The frame's own channel's mean over the model's input: 48 of its 64 rows are the frame
     * (full), 16 the letterbox border (114 of 255).
     */
    private static final float LETTERBOXED_MEAN = (48 + 16 * 114 / 255f) / 64;

    /** The model that serves the frames that name none, in every run: the first folder's (or name's). */
    private static final String FIRST_MODEL = "colours";
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final EndToEndCluster CLUSTER = EndToEndCluster.builder()
            .flinkConfiguration(METRICS.addToConfiguration(new Configuration()))
            .build();

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        CLUSTER.cancelJob();
    }

    private Path modelFolder(String descriptor, byte[] model) throws Exception {
        return ColourModels.folder(dir, "model", descriptor, model);
    }

    private JobConfig config(Path... folders) {
        Configuration settings = CLUSTER.settings();
        settings.set(DriftlessOptions.IMAGE_MODEL, java.util.Arrays.stream(folders).map(Path::toString).toList());
        return JobConfig.from(settings, Map.of());
    }

    private static final String COLOUR_DETECTOR = "family = detection\nname = colours\nlabels = labels.txt\n"
            + "detection.min-score = 0.5\n";

    @Test
    void aDetectorFromAModelFolderFindsTheFramesColourWhereTheModelPutsIt() throws Exception {
        Path folder = modelFolder(COLOUR_DETECTOR, ColourModels.detector(SIZE, BOX));
        assertColoursFound(run(config(folder)));
    }

    @Test
    void aDetectorServedByTheInferenceServerAnswersTheJobsImageFramesAsInProcess() throws Exception {
        Path folder = modelFolder(COLOUR_DETECTOR, ColourModels.detector(SIZE, BOX));
        try (RunningServer server = RunningServer.withImageModel(folder)) {
            Configuration settings = CLUSTER.settings();
            settings.set(DriftlessOptions.INFERENCE_BACKEND, DriftlessOptions.InferenceBackend.REMOTE);
            settings.set(DriftlessOptions.INFERENCE_TARGET, server.target());
            // remotely the job names the model the server serves; the folder is the server's
            settings.set(DriftlessOptions.IMAGE_MODEL, List.of("colours"));
            assertColoursFound(run(JobConfig.from(settings, Map.of())));
        }
    }

    /** Each frame's one object is its colour, by label and class id, with the box where the model put it. */
    private static void assertColoursFound(Map<String, AnnotatedFrame> answered) throws Exception {
        for (Map.Entry<String, AnnotatedFrame> e : answered.entrySet()) {
            AnnotatedFrame frame = e.getValue();
            assertThat(frame.getModel()).isEqualTo("colours");
            assertThat(frame.getClassesCount()).isZero();
            assertThat(frame.getDetectionsList()).as("objects in %s", e.getKey()).singleElement()
                    .satisfies(d -> {
                        assertThat(d.getLabel()).isEqualTo(expectedLabel(e.getKey()));
                        assertThat(d.getClassId()).isEqualTo(LABELS.indexOf(expectedLabel(e.getKey())));
                        assertThat(d.getScore()).isCloseTo(LETTERBOXED_MEAN, within(0.01f));
                        assertBox(d);
                    });
            int colour = LABELS.indexOf(expectedLabel(e.getKey()));
            assertBoxDrawn(frame, colour, COLOURS[colour]);
        }
    }

    /**
     * Two models served by one job, each frame answered by the one it names: the classifier for
     * the sessions that ask for it, the first model (the detector) for those that name none.
     */
    @Test
    void aClassifierAskedForByTheFrameNamesTheFramesColourBesideTheDefaultDetector() throws Exception {
        Path detector = ColourModels.folder(dir, "detector", COLOUR_DETECTOR, ColourModels.detector(SIZE, BOX));
        Path classifier = ColourModels.folder(dir, "classifier", """
                family = classification
                name = colour-names
                labels = labels.txt
                classification.top-k = 2
                """, ColourModels.classifier());
        Map<String, AnnotatedFrame> answered = run(config(detector, classifier), s -> s == 1 ? null : "colour-names");
        double top = Math.E / (Math.E + 2);
        for (Map.Entry<String, AnnotatedFrame> e : answered.entrySet()) {
            AnnotatedFrame frame = e.getValue();
            if (e.getKey().startsWith("colour-1/")) {
                assertThat(frame.getModel()).as("model of %s, which names none", e.getKey()).isEqualTo("colours");
                assertThat(frame.getDetectionsList()).singleElement()
                        .satisfies(d -> assertThat(d.getLabel()).isEqualTo(expectedLabel(e.getKey())));
                continue;
            }
            assertThat(frame.getModel()).isEqualTo("colour-names");
            assertThat(frame.getDetectionsCount()).isZero();
            List<Classification> classes = frame.getClassesList();
            assertThat(classes).as("classes of %s", e.getKey()).hasSize(2);
            assertThat(classes.get(0).getLabel()).isEqualTo(expectedLabel(e.getKey()));
            assertThat(classes.get(0).getClassId()).isEqualTo(LABELS.indexOf(expectedLabel(e.getKey())));
            assertThat(classes.get(0).getScore()).isCloseTo((float) top, within(0.02f));
            assertThat(classes.get(1).getScore()).isLessThan(classes.get(0).getScore());
        }
        assertThat(answered.keySet()).as("frames of the session that names no model")
                .anyMatch(id -> id.startsWith("colour-1/"));
    }

    /** Session {@code s} sends frames of colour {@code s}. */
    private static String expectedLabel(String id) {
        return LABELS.get(Integer.parseInt(id.substring("colour-".length(), id.indexOf('/'))));
    }

    private static void assertBox(Detection d) {
        Box b = d.getBox();
        assertThat(new float[] {b.getXMin(), b.getYMin(), b.getXMax(), b.getYMax()})
                .containsExactly(FRAME_BOX, within(0.01f));
    }

    /** The annotated frame shows the box's top edge in its class's colour, the frame's colour inside. */
    private static void assertBoxDrawn(AnnotatedFrame frame, int classId, int frameColour) throws Exception {
        BufferedImage drawn = ImageIO.read(new ByteArrayInputStream(frame.getJpeg().toByteArray()));
        assertThat(drawn.getWidth()).isEqualTo(640);
        int boxColour = Annotator.CLASS_RGB[classId];
        int edge = drawn.getRGB(320, (int) FRAME_BOX[1]);
        int inside = drawn.getRGB(320, 240);
        assertThat(distance(edge, boxColour)).as("box edge pixel %06x", edge & 0xFFFFFF)
                .isLessThan(distance(edge, frameColour));
        assertThat(distance(inside, frameColour)).as("pixel inside the box %06x", inside & 0xFFFFFF)
                .isLessThan(distance(inside, boxColour));
    }

    private static int distance(int a, int b) {
        int d = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            d += Math.abs((a >>> shift & 0xFF) - (b >>> shift & 0xFF));
        }
        return d;
    }

    /**
     * Starts the job, sends {@link #ROUNDS} rounds of one solid frame per session, one broken JPEG
     * and one frame that asks for a model the job does not serve; checks those two are refused
     * and every frame is accounted for; returns the annotated frames by id.
     */
    private Map<String, AnnotatedFrame> run(JobConfig config) throws Exception {
        return run(config, s -> null);
    }

    /** As {@link #run(JobConfig)}, session {@code s}'s frames asking for the model {@code modelOf} gives (null: none). */
    private Map<String, AnnotatedFrame> run(JobConfig config, java.util.function.IntFunction<String> modelOf)
            throws Exception {
        String frames = CLUSTER.topics().frames();
        String coordinates = CLUSTER.topics().coordinates();
        String annotated = CLUSTER.topics().annotated();
        String dropped = CLUSTER.topics().dropped();
        JobUnderTest job = CLUSTER.startJob(config, DriftlessJob.inference(config), Map.of());
        job.awaitServing();
        FrameLedger ledger = new FrameLedger();
        Map<String, AnnotatedFrame> answered = new LinkedHashMap<>();
        Map<String, String> drops = new LinkedHashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = JobUnderTest.producer(CLUSTER.bootstrapServers());
                ResponseLog log = new ResponseLog(CLUSTER.bootstrapServers(), coordinates, annotated, dropped)) {
            for (int round = 1; round <= ROUNDS; round++) {
                List<Frame> sent = new ArrayList<>();
                for (int s = 0; s < SESSIONS; s++) {
                    Frame.Builder frame = FaceFrames.frame("colour-" + s, round, solid(COLOURS[s]), 640, 480);
                    if (modelOf.apply(s) != null) {
                        frame.getImageBuilder().setModel(modelOf.apply(s));
                    }
                    sent.add(frame.build());
                }
                for (Frame frame : sent) {
                    ledger.sent(frame.getSessionId(), frame.getSequence());
                    producer.send(new ProducerRecord<>(frames, key(frame.getSessionId()), frame.toByteArray())).get();
                }
                log.awaitUntil(l -> sent.stream().allMatch(f -> l.answered(f.getSessionId(), f.getSequence())),
                        ROUND_TIMEOUT);
            }
            Frame broken = FaceFrames.frame("broken", 1, FaceFrames.truncated(solid(0xFFFFFF), 40), 640, 480).build();
            ledger.sent("broken", 1);
            producer.send(new ProducerRecord<>(frames, key("broken"), broken.toByteArray())).get();
            log.awaitUntil(l -> l.drops.containsKey(ResponseLog.id("broken", 1)), ROUND_TIMEOUT);
            DroppedFrame drop = log.drops.get(ResponseLog.id("broken", 1));
            assertThat(drop.getReason()).isEqualTo(DropReason.INVALID);
            assertThat(drop.getDetail()).contains("JPEG is truncated");
            Frame.Builder unserved = FaceFrames.frame("unserved", 1, solid(0xFFFFFF), 640, 480);
            unserved.getImageBuilder().setModel("no-such-model");
            ledger.sent("unserved", 1);
            producer.send(new ProducerRecord<>(frames, key("unserved"), unserved.build().toByteArray())).get();
            log.awaitUntil(l -> l.drops.containsKey(ResponseLog.id("unserved", 1)), ROUND_TIMEOUT);
            DroppedFrame refused = log.drops.get(ResponseLog.id("unserved", 1));
            assertThat(refused.getReason()).isEqualTo(DropReason.INVALID);
            assertThat(refused.getDetail()).contains("image model 'no-such-model'", "it serves ");
            // captured five seconds ago: dropped at admission, before any model runs
            Frame.Builder late = FaceFrames.frame("late", 1, solid(0xFFFFFF), 640, 480);
            late.setCaptureTimeUs(late.getSendTimeUs() - 5_000_000);
            ledger.sent("late", 1);
            producer.send(new ProducerRecord<>(frames, key("late"), late.build().toByteArray())).get();
            log.awaitUntil(l -> l.drops.containsKey(ResponseLog.id("late", 1)), ROUND_TIMEOUT);
            assertThat(log.drops.get(ResponseLog.id("late", 1)).getReason()).isEqualTo(DropReason.LATE_ON_ARRIVAL);

            // a drop counts under the model that served the frame, or was to: the late frame under
            // the first model; the broken frame (refused at parse) and the unserved one under none
            long lateForFirst = 1 + countDrops(log, DropReason.LATE_ON_ARRIVAL, s -> modelOf.apply(s) == null);
            assertThat(droppedUnder(job, FIRST_MODEL, DropReason.LATE_ON_ARRIVAL)).isEqualTo(lateForFirst);
            assertThat(droppedUnder(job, ".*", DropReason.INVALID)).as("invalid frames under a model").isZero();
            assertThat(counted(job, ".*driftless\\.image\\.reason\\.INVALID\\.frames_dropped"))
                    .as("invalid image frames").isEqualTo(2);

            for (int s = 0; s < SESSIONS; s++) {
                for (int round = 1; round <= ROUNDS; round++) {
                    String id = ResponseLog.id("colour-" + s, round);
                    if (log.drops.containsKey(id)) {
                        // a busy machine may make a frame late; it must say so
                        assertThat(log.drops.get(id).getReason()).as("drop reason of %s", id)
                                .isIn(DropReason.LATE_ON_ARRIVAL, DropReason.DEADLINE_EXCEEDED, DropReason.OVERLOADED);
                        drops.put(id, log.drops.get(id).getReason() + ": " + log.drops.get(id).getDetail());
                        continue;
                    }
                    assertThat(log.annotated).as("annotated frame of %s", id).containsKey(id);
                    assertThat(log.responses).as("coordinates of an image-model frame").doesNotContainKey(id);
                    answered.put(id, log.annotated.get(id));
                }
            }
        }
        assertThat(answered.size()).as("frames answered; dropped: %s", drops).isGreaterThanOrEqualTo(SESSIONS * ROUNDS * 8 / 10);

        new AnswerReader(CLUSTER.bootstrapServers(), coordinates, annotated, dropped, Map.of(), Duration.ofSeconds(30))
                .readInto(ledger, Duration.ofSeconds(30));
        AccountingReport report = ledger.report();
        long sent = (long) SESSIONS * ROUNDS + 3;
        assertThat(report.total().sent()).isEqualTo(sent);
        assertThat(report.total().answered() + report.total().droppedTotal()).as("in = responses + dropped")
                .isEqualTo(sent);
        assertThat(report.total().unaccounted()).as("unaccounted frames").isZero();
        assertThat(report.balanced()).as(report.toTable(20)).isTrue();
        return answered;
    }

    /** Drops of {@code reason} among the colour sessions' frames, of the sessions {@code which} picks. */
    private static long countDrops(ResponseLog log, DropReason reason, java.util.function.IntPredicate which) {
        long count = 0;
        for (int s = 0; s < SESSIONS; s++) {
            for (int round = 1; round <= ROUNDS; round++) {
                DroppedFrame drop = log.drops.get(ResponseLog.id("colour-" + s, round));
                if (which.test(s) && drop != null && drop.getReason() == reason) {
                    count++;
                }
            }
        }
        return count;
    }

    /** The job's image frames dropped for {@code reason} under the image models {@code model} matches. */
    private static long droppedUnder(JobUnderTest job, String model, DropReason reason) {
        return counted(job, ".*driftless\\.image\\.model\\." + model + "\\.reason\\." + reason + "\\.frames_dropped");
    }

    /** The sum of the job's counters whose names match {@code pattern}, over its subtasks. */
    private static long counted(JobUnderTest job, String pattern) {
        return METRICS.findMetrics(job.client().getJobID(), pattern).values().stream()
                .mapToLong(m -> ((Counter) m).getCount()).sum();
    }

    private static byte[] solid(int rgb) throws Exception {
        BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(new Color(rgb));
            g.fillRect(0, 0, 640, 480);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }
}
