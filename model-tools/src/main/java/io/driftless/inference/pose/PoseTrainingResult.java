package io.driftless.inference.pose;

import java.util.List;

/**
 * A trained pose model and how well it does.
 *
 * @param model the ONNX model bytes (input {@link PoseModelAdapter#INPUT_NAME}, output {@link
 *     PoseModelAdapter#OUTPUT_NAME})
 * @param config what produced it
 * @param heldOut accuracy on held-out faces, one entry per noise level of {@link
 *     PoseModelTrainer#EVALUATION_NOISE_PX}
 * @param finalTrainingLoss mean squared error on standardised targets over the last epoch
 */
public record PoseTrainingResult(
        byte[] model, PoseTrainingConfig config, List<PoseAccuracy> heldOut, double finalTrainingLoss) {

    public PoseTrainingResult {
        heldOut = List.copyOf(heldOut);
    }

    /** The held-out accuracy at the given noise level. */
    public PoseAccuracy accuracyAt(double noisePx) {
        return heldOut.stream()
                .filter(a -> a.noisePx() == noisePx)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "no held-out accuracy measured at " + noisePx + " px; measured at "
                                + heldOut.stream().map(PoseAccuracy::noisePx).toList()));
    }
}
