package io.driftless.inference.vision;

/**
 * One of a classifier's top classes for a frame.
 *
 * @param classId the model's class index
 * @param label the class's name from the labels
 * @param score its probability, 0 to 1
 */
public record ClassScore(int classId, String label, float score) {}
