package io.driftless.inference.vision;

import java.util.Locale;

/**
 * One object found in a frame, in the frame's pixels (origin top left, y down).
 *
 * @param classId the model's class index
 * @param label the class's name from the labels, or the index as text when there is none
 * @param score the model's confidence, 0 to 1
 */
public record ObjectDetection(int classId, String label, float score, float left, float top, float right,
        float bottom) {

    public float width() {
        return right - left;
    }

    public float height() {
        return bottom - top;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ObjectDetection[%s(%d) %.3f (%.1f, %.1f)-(%.1f, %.1f)]", label, classId,
                score, left, top, right, bottom);
    }
}
