package io.driftless.inference.image;

import io.driftless.inference.vision.ImageAnswer;

/**
 * What a user's image model made of one JPEG frame.
 *
 * @param answer the objects or top classes found
 * @param annotatedJpeg the frame with them drawn on it
 */
public record ImageModelAnalysis(ImageAnswer answer, byte[] annotatedJpeg) {}
