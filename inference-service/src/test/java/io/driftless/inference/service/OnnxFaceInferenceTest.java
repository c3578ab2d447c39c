package io.driftless.inference.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.inference.MicroClock;
import io.driftless.inference.face.FaceDetectionAdapter;
import io.driftless.inference.image.Annotator;
import io.driftless.inference.image.JpegLimits;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.pose.PoseModelAdapter;
import io.driftless.proto.DropReason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JPEG path's in-process model on the real face photo, the shipped models and libjpeg-turbo. */
class OnnxFaceInferenceTest {

    /** Where the face is in the 512 x 512 photo, by hand: left, top, right, bottom. */
    private static final double[] FACE_BOX = {183, 82, 268, 177};
    private static final double MIN_IOU = 0.7;
    /** Functional checks: a budget no scheduling hiccup of a busy test machine can eat. */
    private static final long BUDGET_US = 30_000_000;

    private static OnnxFaceInference inference;
    private static byte[] photo;

    @BeforeAll
    static void loadModels() throws Exception {
        inference = new OnnxFaceInference(FaceDetectionAdapter.bundledModel(), PoseModelAdapter.bundledModel(),
                RunnerOptions.builder().maxBatchSize(4).queueCapacity(64).build(), JpegLimits.DEFAULTS, 1, 90,
                MicroClock.system());
        try (InputStream in = OnnxFaceInferenceTest.class.getResourceAsStream("/faces/astronaut.jpg")) {
            photo = in.readAllBytes();
        }
    }

    @AfterAll
    static void closeModels() {
        inference.close();
    }

    @Test
    void findsTheFaceGivesItsPoseAndDrawsItIntoTheAnnotatedFrame() throws Exception {
        InferenceOutcome outcome = infer(frame(photo, 512, 512));

        assertThat(outcome.succeeded()).as("outcome: %s", outcome.detail).isTrue();
        assertThat(outcome.detectionCount()).isEqualTo(1);
        float[] d = outcome.detections;
        double[] found = {d[1], d[2], d[1] + d[3], d[2] + d[4]};
        assertThat(iou(FACE_BOX, found)).as("IoU of %s with the face", Arrays.toString(found))
                .isGreaterThanOrEqualTo(MIN_IOU);
        assertThat(outcome.withoutPose).as("coordinates for the face").isFalse();
        assertThat(outcome.confidence).isBetween(0.5f, 1f);
        assertThat(Math.abs(outcome.yawDeg)).as("yaw of a face looking at the camera").isLessThan(20f);
        assertThat(outcome.model).isEqualTo(FaceDetectionAdapter.MODEL_NAME);
        assertThat(outcome.inferenceEndUs).isGreaterThan(outcome.inferenceStartUs);
        assertThat(outcome.batchSize).isEqualTo(1);

        BufferedImage input = decode(photo);
        BufferedImage annotated = decode(outcome.annotatedJpeg);
        assertThat(annotated.getWidth()).isEqualTo(512);
        assertThat(annotated.getHeight()).isEqualTo(512);
        // the box's top edge is drawn in green where the photo is not
        int x = Math.round(d[1] + d[3] / 2);
        int y = Math.round(d[2]) + 1;
        assertThat(distance(annotated.getRGB(x, y), Annotator.BOX_RGB)).as("box edge colour").isLessThan(60);
        assertThat(distance(input.getRGB(x, y), Annotator.BOX_RGB)).as("photo there").isGreaterThan(100);
        // away from the face the frame is the photo, within JPEG's loss
        assertThat(distance(annotated.getRGB(20, 480), input.getRGB(20, 480))).isLessThan(30);
    }

    @Test
    void answersAFrameWithoutAFaceWithTheFrameAloneAndNoPose() throws Exception {
        InferenceOutcome outcome = infer(frame(jpeg(new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB)), 320, 240));

        assertThat(outcome.succeeded()).as("outcome: %s", outcome.detail).isTrue();
        assertThat(outcome.detectionCount()).isZero();
        assertThat(outcome.withoutPose).isTrue();
        assertThat(decode(outcome.annotatedJpeg).getWidth()).isEqualTo(320);
    }

    @Test
    void refusesAJpegWhoseBodyDoesNotDecodeAsInvalid() throws Exception {
        byte[] corrupt = photo.clone();
        int scan = startOfScan(corrupt);
        Arrays.fill(corrupt, scan + 64, scan + 4_000, (byte) 0xFF);

        InferenceOutcome outcome = infer(frame(corrupt, 512, 512));

        assertThat(outcome.dropReason).isEqualTo(DropReason.INVALID);
        assertThat(outcome.detail).startsWith("JPEG is corrupt or truncated: its 512x512 body does not decode");
    }

    @Test
    void refusesALandmarkFrame() throws Exception {
        FrameEnvelope landmarks = frame(null, 640, 480);
        landmarks.keypoints = new float[12];

        InferenceOutcome outcome = infer(landmarks);

        assertThat(outcome.dropReason).isEqualTo(DropReason.INVALID);
        assertThat(outcome.detail).isEqualTo("the face model needs an image");
    }

    @Test
    void answersAFrameAlreadyPastItsDeadlineAsLateWithoutDecodingIt() throws Exception {
        FrameEnvelope late = frame(photo, 512, 512);
        late.deadlineUs = MicroClock.system().nowMicros() - 1_000;

        InferenceOutcome outcome = infer(late);

        assertThat(outcome.dropReason).isEqualTo(DropReason.LATE_ON_ARRIVAL);
        assertThat(outcome.detail).startsWith("deadline passed").endsWith("us before decoding");
    }

    @Test
    void expectsLongerWhileFramesAreAheadAndNoLongerOnceTheyAreServed() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(infer(frame(photo, 512, 512)).succeeded()).isTrue();
        }
        long idle = inference.expectedLatencyMicros();

        List<CompletableFuture<InferenceOutcome>> burst = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            burst.add(inference.infer(frame(photo, 512, 512)));
        }
        long behindTheBurst = inference.expectedLatencyMicros();
        for (CompletableFuture<InferenceOutcome> outcome : burst) {
            assertThat(outcome.get(60, TimeUnit.SECONDS).succeeded()).isTrue();
        }
        // frames served alone again: within the burst each waited for the others' decoding too
        for (int i = 0; i < 16; i++) {
            assertThat(infer(frame(photo, 512, 512)).succeeded()).isTrue();
        }
        long after = inference.expectedLatencyMicros();

        // one image thread: each frame still in the path adds a frame's time
        assertThat(behindTheBurst).as("behind the burst, against %d us idle", idle).isGreaterThan(4 * idle);
        assertThat(after).as("once the burst is served, against %d us behind it", behindTheBurst)
                .isLessThan(behindTheBurst / 4);
    }

    private static InferenceOutcome infer(FrameEnvelope frame) throws Exception {
        return inference.infer(frame).get(60, TimeUnit.SECONDS);
    }

    private static FrameEnvelope frame(byte[] jpeg, int width, int height) {
        FrameEnvelope frame = new FrameEnvelope();
        frame.sessionId = "alice";
        frame.sequence = 1;
        frame.jpeg = jpeg;
        frame.imageWidth = width;
        frame.imageHeight = height;
        frame.deadlineUs = MicroClock.system().nowMicros() + BUDGET_US;
        return frame;
    }

    private static BufferedImage decode(byte[] jpeg) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(jpeg));
    }

    private static byte[] jpeg(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }

    private static int startOfScan(byte[] jpeg) {
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) {
                return i;
            }
        }
        throw new IllegalArgumentException("no start-of-scan marker");
    }

    /** The largest difference of the two colours' channels. */
    private static int distance(int rgb, int other) {
        int max = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            max = Math.max(max, Math.abs((rgb >>> shift & 0xFF) - (other >>> shift & 0xFF)));
        }
        return max;
    }

    private static double iou(double[] a, double[] b) {
        double w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
        double h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
        double intersection = Math.max(0, w) * Math.max(0, h);
        double union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - intersection;
        return intersection / union;
    }
}
