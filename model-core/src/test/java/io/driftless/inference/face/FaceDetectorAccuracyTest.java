package io.driftless.inference.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.geom.AffineTransform;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bundled detector on a real face photo moved, scaled and rotated by known transforms: the
 * face it finds must land where the transform puts the face's reference box and keypoints, which
 * were annotated by hand on the original photo (not taken from the detector).
 */
class FaceDetectorAccuracyTest {

    /** Forehead to chin, cheek to cheek, on the 512 x 512 photo: left, top, right, bottom. */
    static final double[] REFERENCE_BOX = {183, 82, 268, 177};
    /** Right eye, left eye, nose tip, mouth centre (the ear tragions are under her hair). */
    static final double[][] REFERENCE_KEYPOINTS = {{204, 100}, {246, 102}, {221, 126}, {222, 145}};

    /** The accuracy bar: overlap with the expected box ... */
    static final double MIN_IOU = 0.7;
    /** ... and each visible keypoint within this fraction of the expected box's width ... */
    static final double MAX_KEYPOINT_ERROR = 0.12;
    /**
     * ... or within this, for faces under a fifth of the frame's long side: the model sees them
     * at under 26 of its 128 pixels, where a keypoint is a pixel or two.
     */
    static final double MAX_SMALL_FACE_KEYPOINT_ERROR = 0.25;
    static final double SMALL_FACE = 0.2;

    private static BundledFaceDetector detector;

    @BeforeAll
    static void load() throws Exception {
        detector = new BundledFaceDetector();
    }

    @AfterAll
    static void close() throws Exception {
        detector.close();
    }

    static Stream<Arguments> transforms() {
        return Stream.of(
                Arguments.of("as shipped, 512x512", 512, 512, 0, 0, 1.0, 0.0),
                Arguments.of("moved right and down, 640x480", 640, 480, 180, 60, 1.0, 0.0),
                Arguments.of("moved left, 640x480", 640, 480, -120, 20, 1.0, 0.0),
                Arguments.of("moved down, portrait 480x640", 480, 640, 20, 300, 1.0, 0.0),
                Arguments.of("scaled 0.8, 512x512", 512, 512, 40, 30, 0.8, 0.0),
                Arguments.of("scaled 1.5, 640x480", 640, 480, 60, 40, 1.5, 0.0),
                Arguments.of("scaled 2.0, 512x512", 512, 512, 0, 0, 2.0, 0.0),
                Arguments.of("rotated 10 degrees", 512, 512, 0, 0, 1.0, 10.0),
                Arguments.of("rotated -10 degrees", 512, 512, 0, 0, 1.0, -10.0),
                Arguments.of("rotated 20 degrees, scaled 1.3, 640x480", 640, 480, 80, 40, 1.3, 20.0),
                Arguments.of("rotated -25 degrees", 512, 512, 0, 0, 1.0, -25.0));
    }

    /**
     * {@code dx, dy} move the face centre; {@code scale} and {@code degrees} (clockwise on screen)
     * act about the face centre.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("transforms")
    void findsTheFaceWhereTheTransformPutsIt(
            String name, int width, int height, double dx, double dy, double scale, double degrees) throws Exception {
        double cx = (REFERENCE_BOX[0] + REFERENCE_BOX[2]) / 2;
        double cy = (REFERENCE_BOX[1] + REFERENCE_BOX[3]) / 2;
        AffineTransform t = new AffineTransform();
        t.translate(cx + dx, cy + dy);
        t.rotate(Math.toRadians(degrees));
        t.scale(scale, scale);
        t.translate(-cx, -cy);
        BufferedImage image = FaceImages.transformed(FaceImages.astronaut(), t, width, height);

        List<FaceDetection> faces = detect(image);

        // a face keeps its size under rotation: the box is the reference's, scaled, about the moved centre
        Point2D centre = t.transform(new Point2D.Double(cx, cy), null);
        double w = (REFERENCE_BOX[2] - REFERENCE_BOX[0]) * scale;
        double h = (REFERENCE_BOX[3] - REFERENCE_BOX[1]) * scale;
        double[] expected = {centre.getX() - w / 2, centre.getY() - h / 2, centre.getX() + w / 2, centre.getY() + h / 2};
        assertThat(faces).as("faces found in %s", name).hasSize(1);
        FaceDetection face = faces.get(0);
        double iou = iou(expected, face);
        double worstKeypoint = 0;
        for (int k = 0; k < REFERENCE_KEYPOINTS.length; k++) {
            Point2D p = t.transform(new Point2D.Double(REFERENCE_KEYPOINTS[k][0], REFERENCE_KEYPOINTS[k][1]), null);
            double error = Math.hypot(face.keypointX(k) - p.getX(), face.keypointY(k) - p.getY()) / w;
            worstKeypoint = Math.max(worstKeypoint, error);
        }
        System.out.printf(Locale.ROOT, "%-42s face %.0f%% of frame  score %.3f  IoU %.3f  worst keypoint %.1f%%"
                + " of box width%n", name, 100 * w / Math.max(width, height), face.score(), iou, 100 * worstKeypoint);
        assertThat(iou).as("IoU of the detection with the expected box in %s", name).isGreaterThanOrEqualTo(MIN_IOU);
        assertThat(worstKeypoint).as("worst keypoint error in %s, fraction of box width", name)
                .isLessThanOrEqualTo(w / Math.max(width, height) < SMALL_FACE
                        ? MAX_SMALL_FACE_KEYPOINT_ERROR : MAX_KEYPOINT_ERROR);
    }

    @Test
    void putsTheKeypointsInThePoseModelsOrder() throws Exception {
        FaceDetection face = detect(FaceImages.astronaut()).get(0);

        // the subject's right eye and ear are on the image's left in a non-mirrored photo
        assertThat(face.keypointX(FaceDetection.RIGHT_EYE)).isLessThan(face.keypointX(FaceDetection.LEFT_EYE));
        assertThat(face.keypointX(FaceDetection.RIGHT_EAR_TRAGION))
                .isLessThan(face.keypointX(FaceDetection.RIGHT_EYE));
        assertThat(face.keypointX(FaceDetection.LEFT_EAR_TRAGION)).isGreaterThan(face.keypointX(FaceDetection.LEFT_EYE));
        assertThat(face.keypointY(FaceDetection.NOSE_TIP)).isGreaterThan(face.keypointY(FaceDetection.RIGHT_EYE));
        assertThat(face.keypointY(FaceDetection.MOUTH_CENTRE)).isGreaterThan(face.keypointY(FaceDetection.NOSE_TIP));
        assertThat(face.toFaceKeypoints(512, 512, 0).xy()).containsExactly(face.keypoints());
    }

    @Test
    void labelsEyesByTheirSideOfTheImageEvenInAMirroredFrame() throws Exception {
        BufferedImage photo = FaceImages.astronaut();
        AffineTransform mirror = new AffineTransform(-1, 0, 0, 1, photo.getWidth(), 0);

        FaceDetection face = detect(FaceImages.transformed(photo, mirror, 512, 512)).get(0);

        // the subject's left eye is now on the image's left, and the model calls it the right eye
        assertThat(face.keypointX(FaceDetection.RIGHT_EYE)).isLessThan(face.keypointX(FaceDetection.LEFT_EYE));
        assertThat(face.keypointX(FaceDetection.RIGHT_EYE)).isCloseTo(512 - 246, within(8f));
    }

    @Test
    void findsNoFaceInFlatOrNoiseImages() throws Exception {
        assertThat(detect(FaceImages.flat(640, 480, Color.BLACK))).isEmpty();
        assertThat(detect(FaceImages.flat(640, 480, new Color(128, 128, 128)))).isEmpty();
        assertThat(detect(FaceImages.flat(300, 500, Color.WHITE))).isEmpty();
        for (long seed = 1; seed <= 3; seed++) {
            assertThat(detect(FaceImages.noise(320, 240, seed))).as("noise image, seed %d", seed).isEmpty();
        }
    }

    @Test
    void findsTwoFacesSideBySide() throws Exception {
        BufferedImage photo = FaceImages.astronaut();
        BufferedImage crop = photo.getSubimage(150, 50, 150, 160);
        AffineTransform left = AffineTransform.getTranslateInstance(20, 40);
        BufferedImage canvas = FaceImages.transformed(crop, left, 400, 240);
        canvas.createGraphics().drawImage(crop, 230, 40, null);

        List<FaceDetection> faces = detect(canvas);

        assertThat(faces).hasSize(2);
        List<Float> centres = faces.stream().map(f -> f.left() + f.width() / 2).sorted().toList();
        assertThat(centres.get(0)).isBetween(60f, 140f);
        assertThat(centres.get(1)).isBetween(270f, 350f);
    }

    private static List<FaceDetection> detect(BufferedImage image) throws Exception {
        return detector.detect(FaceImages.rgb(image));
    }

    private static double iou(double[] box, FaceDetection face) {
        double w = Math.min(box[2], face.right()) - Math.max(box[0], face.left());
        double h = Math.min(box[3], face.bottom()) - Math.max(box[1], face.top());
        if (w <= 0 || h <= 0) {
            return 0;
        }
        double intersection = w * h;
        return intersection / ((box[2] - box[0]) * (box[3] - box[1]) + face.width() * face.height() - intersection);
    }
}
