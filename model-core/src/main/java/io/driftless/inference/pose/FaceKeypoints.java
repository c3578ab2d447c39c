package io.driftless.inference.pose;

/**
 * The six BlazeFace keypoints of one face in one image, as the pose model takes them.
 *
 * @param xy right eye, left eye, nose tip, mouth centre, right ear tragion, left ear tragion,
 *     as x0, y0, x1, y1, ... in image pixels (origin top left, y down)
 * @param imageWidth image width in pixels
 * @param imageHeight image height in pixels
 * @param focalLengthPx camera focal length in pixels, or 0 when unknown
 */
public record FaceKeypoints(float[] xy, int imageWidth, int imageHeight, float focalLengthPx) {}
