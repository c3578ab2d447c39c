package io.driftless.inference.vision;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.face.RgbPixels;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An image classifier: an RGB frame of any size in, its top classes with probabilities out.
 * Output {@code [N, classes]}, either logits (softmax is applied here) or probabilities.
 */
public final class ClassificationAdapter extends ImageAdapter<List<ClassScore>> {

    /** What the model's output holds. */
    public enum Scores {
        /** Unnormalised scores: the adapter applies softmax (ImageNet classifiers as exported). */
        LOGITS,
        /** Probabilities already (the model ends in a softmax). */
        PROBABILITIES
    }

    private final Scores scores;
    private final int topK;

    /** @param topK how many of the best classes are reported, at least 1 */
    public ClassificationAdapter(String modelName, ImageInput input, String outputName, Scores scores, Labels labels,
            int topK) {
        super(modelName, input, outputName, labels);
        this.scores = Objects.requireNonNull(scores, "scores");
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be at least 1, got " + topK);
        }
        this.topK = topK;
    }

    @Override
    public List<List<ClassScore>> decode(OrtSession.Result outputs, List<RgbPixels> batch) {
        OnnxTensor tensor = ImageTensors.output(outputs, outputName, batch.size(), 2);
        int classes = (int) tensor.getInfo().getShape()[1];
        float[] raw = ImageTensors.floats(tensor);
        List<List<ClassScore>> results = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            float[] row = new float[classes];
            System.arraycopy(raw, i * classes, row, 0, classes);
            if (scores == Scores.LOGITS) {
                softmax(row);
            }
            results.add(top(row));
        }
        return results;
    }

    private List<ClassScore> top(float[] probabilities) {
        int k = Math.min(topK, probabilities.length);
        // k is small (a handful): selection beats sorting a thousand classes
        boolean[] taken = new boolean[probabilities.length];
        List<ClassScore> best = new ArrayList<>(k);
        for (int n = 0; n < k; n++) {
            int arg = -1;
            for (int c = 0; c < probabilities.length; c++) {
                if (!taken[c] && (arg < 0 || probabilities[c] > probabilities[arg])) {
                    arg = c;
                }
            }
            taken[arg] = true;
            best.add(new ClassScore(arg, labels.of(arg), probabilities[arg]));
        }
        return best;
    }

    /** In place, shifted by the maximum so that large logits do not overflow. */
    static void softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int c = 0; c < logits.length; c++) {
            logits[c] = (float) Math.exp(logits[c] - max);
            sum += logits[c];
        }
        for (int c = 0; c < logits.length; c++) {
            logits[c] = (float) (logits[c] / sum);
        }
    }
}
