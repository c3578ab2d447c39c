package io.driftless.inference.pose;

/**
 * What the pose model says about one face.
 *
 * @param pose the head pose in the camera frame
 * @param confidence in (0, 1]: how well the pose reprojects onto the observed keypoints; near 1
 *     for real faces, near 0 for keypoints no head could produce
 */
public record PoseEstimate(HeadPose pose, float confidence) {}
