package io.driftless.inference.face;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * MediaPipe's weighted non-max suppression ({@code NonMaxSuppressionCalculator}, algorithm
 * WEIGHTED): take the best remaining box; every remaining box overlapping it by more than the
 * IoU threshold (itself included) joins its cluster; the cluster becomes one detection whose box
 * and keypoints are the score-weighted means of the cluster's and whose score is the best one's.
 * Averaging a cluster steadies the box from frame to frame, which plain NMS does not.
 */
final class WeightedNms {

    private WeightedNms() {}

    /** A decoded box before suppression: corners and keypoints normalised to the model input. */
    record Candidate(float score, float xMin, float yMin, float xMax, float yMax, float[] keypoints) {

        float area() {
            return Math.max(0, xMax - xMin) * Math.max(0, yMax - yMin);
        }
    }

    static List<Candidate> apply(List<Candidate> candidates, float iouThreshold) {
        List<Candidate> remaining = new ArrayList<>(candidates);
        remaining.sort(Comparator.comparingDouble(Candidate::score).reversed());
        List<Candidate> kept = new ArrayList<>();
        while (!remaining.isEmpty()) {
            Candidate best = remaining.get(0);
            List<Candidate> cluster = new ArrayList<>();
            List<Candidate> rest = new ArrayList<>();
            for (Candidate c : remaining) {
                (iou(c, best) > iouThreshold ? cluster : rest).add(c);
            }
            kept.add(weightedMean(best, cluster));
            remaining = rest;
        }
        return kept;
    }

    static float iou(Candidate a, Candidate b) {
        float w = Math.min(a.xMax(), b.xMax()) - Math.max(a.xMin(), b.xMin());
        float h = Math.min(a.yMax(), b.yMax()) - Math.max(a.yMin(), b.yMin());
        if (w <= 0 || h <= 0) {
            return 0;
        }
        float intersection = w * h;
        float union = a.area() + b.area() - intersection;
        return union > 0 ? intersection / union : 0;
    }

    private static Candidate weightedMean(Candidate best, List<Candidate> cluster) {
        if (cluster.isEmpty()) {
            // a box with no area overlaps nothing, not even itself
            return best;
        }
        float total = 0;
        float xMin = 0;
        float yMin = 0;
        float xMax = 0;
        float yMax = 0;
        float[] keypoints = new float[best.keypoints().length];
        for (Candidate c : cluster) {
            float s = c.score();
            total += s;
            xMin += c.xMin() * s;
            yMin += c.yMin() * s;
            xMax += c.xMax() * s;
            yMax += c.yMax() * s;
            for (int k = 0; k < keypoints.length; k++) {
                keypoints[k] += c.keypoints()[k] * s;
            }
        }
        for (int k = 0; k < keypoints.length; k++) {
            keypoints[k] /= total;
        }
        return new Candidate(best.score(), xMin / total, yMin / total, xMax / total, yMax / total, keypoints);
    }
}
