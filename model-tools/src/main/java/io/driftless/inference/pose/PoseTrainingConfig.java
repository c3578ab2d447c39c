package io.driftless.inference.pose;

import java.util.List;

/**
 * Everything that decides which pose model a training run produces: the same config always
 * gives byte-identical model bytes.
 *
 * @param seed seeds every random choice: data, noise, initial weights, batch order
 * @param trainingSamples synthetic faces in the training set (fresh noise each epoch)
 * @param validationSamples held-out faces scored after each epoch
 * @param evaluationSamples held-out faces per noise level in the final accuracy table
 * @param epochs passes over the training set
 * @param batchSize faces per Adam step
 * @param hiddenLayers widths of the tanh hidden layers
 * @param learningRate Adam's initial step size, decayed along a cosine
 * @param finalLearningRate the step size at the end of training
 * @param maxTrainingNoisePx training noise is uniform in [0, this] pixels, drawn per face
 */
public record PoseTrainingConfig(
        long seed,
        int trainingSamples,
        int validationSamples,
        int evaluationSamples,
        int epochs,
        int batchSize,
        List<Integer> hiddenLayers,
        double learningRate,
        double finalLearningRate,
        double maxTrainingNoisePx) {

    public static final long DEFAULT_SEED = 20240611L;

    public PoseTrainingConfig {
        hiddenLayers = List.copyOf(hiddenLayers);
        requirePositive(trainingSamples, "trainingSamples");
        requirePositive(validationSamples, "validationSamples");
        requirePositive(evaluationSamples, "evaluationSamples");
        requirePositive(epochs, "epochs");
        requirePositive(batchSize, "batchSize");
        if (hiddenLayers.isEmpty() || hiddenLayers.stream().anyMatch(w -> w <= 0)) {
            throw new IllegalArgumentException(
                    "hiddenLayers must list at least one positive width, got " + hiddenLayers);
        }
        if (!(learningRate > 0) || !(finalLearningRate > 0) || finalLearningRate > learningRate) {
            throw new IllegalArgumentException("need 0 < finalLearningRate <= learningRate, got "
                    + finalLearningRate + " and " + learningRate);
        }
        if (!(maxTrainingNoisePx >= 0)) {
            throw new IllegalArgumentException(
                    "maxTrainingNoisePx must be zero or positive, got " + maxTrainingNoisePx);
        }
    }

    /** The configuration that produced the shipped {@code pose-v1} model. */
    public static PoseTrainingConfig defaults() {
        return new PoseTrainingConfig(
                DEFAULT_SEED, 200_000, 5_000, 20_000, 24, 128, List.of(128, 128), 2e-3, 2e-5, 2.5);
    }

    public PoseTrainingConfig withSeed(long newSeed) {
        return new PoseTrainingConfig(newSeed, trainingSamples, validationSamples, evaluationSamples,
                epochs, batchSize, hiddenLayers, learningRate, finalLearningRate, maxTrainingNoisePx);
    }

    public PoseTrainingConfig withTrainingSamples(int samples) {
        return new PoseTrainingConfig(seed, samples, validationSamples, evaluationSamples,
                epochs, batchSize, hiddenLayers, learningRate, finalLearningRate, maxTrainingNoisePx);
    }

    public PoseTrainingConfig withEpochs(int newEpochs) {
        return new PoseTrainingConfig(seed, trainingSamples, validationSamples, evaluationSamples,
                newEpochs, batchSize, hiddenLayers, learningRate, finalLearningRate, maxTrainingNoisePx);
    }

    public PoseTrainingConfig withHeldOutSamples(int validation, int evaluation) {
        return new PoseTrainingConfig(seed, trainingSamples, validation, evaluation,
                epochs, batchSize, hiddenLayers, learningRate, finalLearningRate, maxTrainingNoisePx);
    }

    private static void requirePositive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
