package io.driftless.inference.vision;

import java.util.List;

/**
 * What a user's image model says about one frame: a detector fills {@code objects}, a
 * classifier {@code classes}; the other list is empty.
 *
 * @param objects the objects found, best first, in the frame's pixels
 * @param classes the top classes, best first
 */
public record ImageAnswer(List<ObjectDetection> objects, List<ClassScore> classes) {

    public ImageAnswer {
        objects = List.copyOf(objects);
        classes = List.copyOf(classes);
    }
}
