package io.driftless.inference.face;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.pose.FaceKeypoints;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PoseEstimate;
import io.driftless.inference.pose.PoseModelAdapter;
import java.awt.geom.AffineTransform;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The detector's keypoints are what the landmark path carries: fed to the pose model as they
 * come, they give the pose of the face in the photo, and turning the photo turns the head's roll.
 */
class FaceKeypointsToPoseTest {

    @Test
    void detectedKeypointsGiveTheHeadPoseOfThePhoto() throws Exception {
        HeadPose upright = pose(0);
        HeadPose turned = pose(20);

        System.out.printf("upright: %s%nrotated 20 degrees: %s%n", upright, turned);
        // the astronaut faces the camera: no large yaw or pitch, little roll
        assertThat(Math.abs(upright.yawDeg())).as("yaw").isLessThan(20);
        assertThat(Math.abs(upright.pitchDeg())).as("pitch").isLessThan(25);
        assertThat(Math.abs(upright.rollDeg())).as("roll").isLessThan(15);
        // the photo turned by 20 degrees on screen turns the estimated roll by about as much
        assertThat(Math.abs(Math.abs(turned.rollDeg() - upright.rollDeg()) - 20)).as("roll change minus 20°")
                .isLessThan(6);
    }

    private static HeadPose pose(double degrees) throws Exception {
        AffineTransform t = AffineTransform.getRotateInstance(Math.toRadians(degrees), 225, 130);
        RgbImage image = FaceImages.rgb(FaceImages.transformed(FaceImages.astronaut(), t, 512, 512));
        FaceDetection face;
        try (BundledFaceDetector detector = new BundledFaceDetector()) {
            List<FaceDetection> faces = detector.detect(image);
            assertThat(faces).hasSize(1);
            face = faces.get(0);
        }
        List<FaceKeypoints> batch = List.of(face.toFaceKeypoints(image.width(), image.height(), 0));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        PoseModelAdapter adapter = new PoseModelAdapter();
        try (OrtSession session = env.createSession(PoseModelAdapter.bundledModel())) {
            Map<String, OnnxTensor> inputs = adapter.encode(env, batch);
            try (OrtSession.Result out = session.run(inputs)) {
                PoseEstimate estimate = adapter.decode(out, batch).get(0);
                return estimate.pose();
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
    }
}
