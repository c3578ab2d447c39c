package io.driftless.inference.image;

import io.driftless.inference.face.FaceDetection;
import io.driftless.inference.pose.PoseEstimate;
import java.util.List;

/**
 * What {@link JpegFaceAnalyzer} makes of one JPEG frame.
 *
 * @param faces every face found, best first, in the image's pixels
 * @param pose the head pose of the first face, or null when there is no face or its keypoints
 *     are not ones the pose model can take
 * @param annotatedJpeg the frame with the faces' boxes and keypoints drawn on it
 * @param detectorBatchSize how many frames ran in the same face-detector call
 */
public record FaceAnalysis(List<FaceDetection> faces, PoseEstimate pose, byte[] annotatedJpeg, int width,
        int height, int detectorBatchSize) {

    public FaceAnalysis {
        faces = List.copyOf(faces);
    }
}
