package io.driftless.source;

/** What a camera client sends for each frame. */
public enum SendMode {
    /** The six keypoints of the first face found on the client, as a phone does; no face, no frame. */
    LANDMARKS,
    /** The frame itself, resized and JPEG-encoded; the job finds the faces. */
    JPEG
}
