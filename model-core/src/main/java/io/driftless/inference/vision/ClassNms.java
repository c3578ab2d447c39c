package io.driftless.inference.vision;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Greedy non-max suppression per class, as YOLO's post-processing does it: best score first, a
 * box is dropped when it overlaps a kept box of the same class by more than the threshold.
 */
final class ClassNms {

    private ClassNms() {}

    /** A box in model pixels. */
    record Box(int classId, float score, float x1, float y1, float x2, float y2) {
        float area() {
            return Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
        }
    }

    /** The kept boxes, best first, at most {@code max}. */
    static List<Box> apply(List<Box> candidates, float maxIou, int max) {
        List<Box> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(Box::score).reversed());
        List<Box> kept = new ArrayList<>();
        for (Box box : sorted) {
            if (kept.size() == max) {
                break;
            }
            boolean suppressed = false;
            for (Box k : kept) {
                if (k.classId() == box.classId() && iou(k, box) > maxIou) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(box);
            }
        }
        return kept;
    }

    static float iou(Box a, Box b) {
        float w = Math.min(a.x2(), b.x2()) - Math.max(a.x1(), b.x1());
        float h = Math.min(a.y2(), b.y2()) - Math.max(a.y1(), b.y1());
        if (w <= 0 || h <= 0) {
            return 0;
        }
        float intersection = w * h;
        return intersection / (a.area() + b.area() - intersection);
    }
}
