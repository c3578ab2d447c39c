package io.driftless.inference.image;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.face.FaceDetection;
import io.driftless.inference.face.FaceDetectionAdapter;
import io.driftless.inference.face.RgbImage;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JPEG path inside model-core, end to end on real parts: the face photo's bytes through
 * the codec, the shipped face detector in ONNX Runtime, the annotator, and back to JPEG.
 */
class JpegFaceDetectionTest {

    /** Where the face is in the 512 x 512 photo, by hand: left, top, right, bottom. */
    private static final double[] FACE_BOX = {183, 82, 268, 177};
    private static final double MIN_IOU = 0.7;

    private static OrtEnvironment env;
    private static OrtSession session;

    private final FaceDetectionAdapter adapter = new FaceDetectionAdapter();
    private final JpegCodec codec = new JpegCodec(JpegLimits.DEFAULTS);

    @BeforeAll
    static void loadModel() throws OrtException {
        env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            session = env.createSession(FaceDetectionAdapter.bundledModel(), options);
        }
    }

    @AfterAll
    static void closeModel() throws OrtException {
        session.close();
    }

    @Test
    void findsTheFaceInThePhotoDecodedByTheCodec() throws OrtException {
        RgbImage photo = codec.decode(TestJpegs.astronaut(), 512, 512);

        List<FaceDetection> faces = detect(photo);

        assertThat(faces).as("faces found in the decoded photo").hasSize(1);
        assertThat(iou(FACE_BOX, faces.get(0))).as("IoU with the face's box").isGreaterThanOrEqualTo(MIN_IOU);
    }

    @Test
    void findsTheFaceAfterAResizeAndAReEncodeAsAClientWouldSendIt() throws OrtException {
        // a client's 640 x 480 frame: the photo upscaled, encoded at quality 80, decoded by the job
        RgbImage frame = codec.resize(codec.decode(TestJpegs.astronaut()), 640, 480);
        byte[] sent = codec.encode(frame, 80);

        List<FaceDetection> faces = detect(codec.decode(sent, 640, 480));

        double[] scaled = {FACE_BOX[0] * 1.25, FACE_BOX[1] * 480 / 512, FACE_BOX[2] * 1.25, FACE_BOX[3] * 480 / 512};
        assertThat(faces).hasSize(1);
        assertThat(iou(scaled, faces.get(0))).as("IoU with the stretched face's box").isGreaterThanOrEqualTo(MIN_IOU);
    }

    @Test
    void drawsTheDetectionIntoTheResponseJpeg() throws OrtException {
        RgbImage photo = codec.decode(TestJpegs.astronaut(), 512, 512);
        FaceDetection face = detect(photo).get(0);

        new Annotator(3, 3).draw(photo, List.of(face));
        RgbImage response = codec.decode(codec.encode(photo, 90), 512, 512);

        // the middle of the box's top edge and the nose tip's dot survive encoding in their colours
        assertColour(response, Math.round((face.left() + face.right()) / 2), Math.round(face.top()) + 1,
                Annotator.BOX_RGB);
        assertColour(response, Math.round(face.keypointX(FaceDetection.NOSE_TIP)),
                Math.round(face.keypointY(FaceDetection.NOSE_TIP)), Annotator.KEYPOINT_RGB[FaceDetection.NOSE_TIP]);
    }

    private List<FaceDetection> detect(RgbImage image) throws OrtException {
        return adapter.run(env, session, List.of(image)).get(0);
    }

    private static void assertColour(RgbImage image, int x, int y, int expected) {
        int at = 3 * (y * image.width() + x);
        byte[] rgb = image.rgb();
        int[] actual = {rgb[at] & 0xFF, rgb[at + 1] & 0xFF, rgb[at + 2] & 0xFF};
        int[] wanted = {expected >>> 16 & 0xFF, expected >>> 8 & 0xFF, expected & 0xFF};
        for (int c = 0; c < 3; c++) {
            assertThat(actual[c]).as("channel %d at (%d, %d)", c, x, y).isBetween(wanted[c] - 40, wanted[c] + 40);
        }
    }

    private static double iou(double[] box, FaceDetection face) {
        double w = Math.min(box[2], face.right()) - Math.max(box[0], face.left());
        double h = Math.min(box[3], face.bottom()) - Math.max(box[1], face.top());
        double intersection = Math.max(0, w) * Math.max(0, h);
        double union = (box[2] - box[0]) * (box[3] - box[1]) + face.width() * face.height() - intersection;
        return intersection / union;
    }
}
