package io.driftless.inference.service;

/** What a frame carries, and so which model family serves it. */
public enum Payload {
    /** Six face keypoints: the pose model. */
    LANDMARKS,
    /** A JPEG: the face detector, then the pose model on the first face. */
    IMAGE
}
