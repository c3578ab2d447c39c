package io.driftless.inference.vision;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a model folder's {@value #FILE_NAME} says about its model: a Java properties file, every
 * key optional but {@code family}. Unknown keys are refused, so a misspelt key cannot silently
 * fall back to its default. See {@code docs/bring-your-own-model.md} for the keys.
 *
 * @param inputName null: the model's only input
 * @param width null: the model's own (fixed) input width
 * @param height null: the model's own (fixed) input height
 * @param outputName null: the model's only output
 * @param labelsFile null: no labels file (detectors then use the model's {@code names} metadata)
 */
public record ModelDescriptor(Family family, String name, String modelFile, String inputName, Integer width,
        Integer height, ImageInput.TensorLayout layout, ImageInput.ChannelOrder channels, float[] mean, float[] std,
        ImageInput.Resize resize, float padValue, String outputName, OutputKind output, String labelsFile,
        float minScore, float maxIou, int maxDetections, int topK) {

    public static final String FILE_NAME = "model.properties";

    /** What the model does. */
    public enum Family {
        DETECTION,
        CLASSIFICATION
    }

    /** What the model's output holds; each belongs to one family. */
    public enum OutputKind {
        /** Detection, {@code [N, 4 + classes, anchors]}. */
        RAW(Family.DETECTION),
        /** Detection, {@code [N, detections, 6]}, suppression in the graph. */
        NMS(Family.DETECTION),
        /** Detection, YOLOv5's {@code [N, anchors, 5 + classes]}: box, objectness, class scores. */
        YOLOV5(Family.DETECTION),
        /** Classification, {@code [N, classes]} before softmax. */
        LOGITS(Family.CLASSIFICATION),
        /** Classification, {@code [N, classes]} after softmax. */
        PROBABILITIES(Family.CLASSIFICATION);

        final Family family;

        OutputKind(Family family) {
            this.family = family;
        }
    }

    private static final Set<String> KEYS = Set.of("family", "name", "model", "input.name", "input.width",
            "input.height", "input.layout", "input.channels", "input.mean", "input.std", "input.resize", "input.pad",
            "output.name", "output.layout", "labels", "detection.min-score", "detection.max-iou",
            "detection.max-detections", "classification.top-k");

    /**
     * Reads a descriptor, filling in each family's defaults.
     *
     * @param folderName the model's name when the descriptor gives none
     * @throws ModelFolderException naming the key and what is wrong with its value
     */
    public static ModelDescriptor parse(Properties p, String folderName) {
        Set<String> unknown = new TreeSet<>(p.stringPropertyNames());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new ModelFolderException(FILE_NAME + " has unknown keys " + unknown + "; known keys are "
                    + new TreeSet<>(KEYS));
        }
        String familyText = p.getProperty("family");
        if (familyText == null || familyText.isBlank()) {
            throw new ModelFolderException(FILE_NAME + " needs family = detection or classification");
        }
        Family family = choice(familyText, Family.class, "family");
        boolean detection = family == Family.DETECTION;
        OutputKind output = choice(p.getProperty("output.layout", detection ? "raw" : "logits"), OutputKind.class,
                "output.layout");
        if (output.family != family) {
            throw new ModelFolderException(FILE_NAME + ": output.layout " + lower(output) + " is not a " + lower(family)
                    + " layout; use " + (detection ? "raw, nms or yolov5" : "logits or probabilities"));
        }
        ModelDescriptor d = new ModelDescriptor(family,
                text(p, "name", folderName),
                text(p, "model", "model.onnx"),
                optionalText(p, "input.name"),
                optionalInt(p, "input.width", 1, ImageInput.MAX_SIDE),
                optionalInt(p, "input.height", 1, ImageInput.MAX_SIDE),
                choice(p.getProperty("input.layout", "nchw"), ImageInput.TensorLayout.class, "input.layout"),
                choice(p.getProperty("input.channels", "rgb"), ImageInput.ChannelOrder.class, "input.channels"),
                triple(p, "input.mean", "0,0,0"),
                triple(p, "input.std", "1,1,1"),
                choice(p.getProperty("input.resize", detection ? "letterbox" : "stretch"), ImageInput.Resize.class,
                        "input.resize"),
                number(p, "input.pad", detection ? 114 : 0, 0, 255),
                optionalText(p, "output.name"),
                output,
                optionalText(p, "labels"),
                number(p, "detection.min-score", 0.25f, 0, 1),
                number(p, "detection.max-iou", 0.45f, 0, 1),
                intOr(p, "detection.max-detections", 100, 1, 10_000),
                intOr(p, "classification.top-k", 5, 1, 1000));
        for (int c = 0; c < 3; c++) {
            if (!(d.std[c] > 0)) {
                throw new ModelFolderException(FILE_NAME + ": input.std must be positive, got " + p.getProperty(
                        "input.std"));
            }
        }
        if (d.minScore == 0 || d.minScore == 1) {
            throw new ModelFolderException(FILE_NAME + ": detection.min-score must be between 0 and 1 (exclusive)");
        }
        if (d.maxIou == 0) {
            throw new ModelFolderException(FILE_NAME + ": detection.max-iou must be above 0");
        }
        return d;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static <E extends Enum<E>> E choice(String value, Class<E> type, String key) {
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value.strip())) {
                return e;
            }
            names.add(lower(e));
        }
        throw new ModelFolderException(FILE_NAME + ": " + key + " must be one of " + names + ", got '" + value + "'");
    }

    private static String text(Properties p, String key, String fallback) {
        String value = optionalText(p, key);
        return value == null ? fallback : value;
    }

    private static String optionalText(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            return null;
        }
        if (value.isBlank()) {
            throw new ModelFolderException(FILE_NAME + ": " + key + " is blank; leave it out for its default");
        }
        return value.strip();
    }

    private static int intOr(Properties p, String key, int fallback, int min, int max) {
        Integer value = optionalInt(p, key, min, max);
        return value == null ? fallback : value;
    }

    private static Integer optionalInt(Properties p, String key, int min, int max) {
        String value = optionalText(p, key);
        if (value == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the range
        }
        throw new ModelFolderException(FILE_NAME + ": " + key + " must be a whole number from " + min + " to " + max
                + ", got '" + value + "'");
    }

    private static float number(Properties p, String key, float fallback, float min, float max) {
        String value = optionalText(p, key);
        if (value == null) {
            return fallback;
        }
        try {
            float f = Float.parseFloat(value);
            if (f >= min && f <= max) {
                return f;
            }
        } catch (NumberFormatException e) {
            // reported below with the range
        }
        throw new ModelFolderException(FILE_NAME + ": " + key + " must be a number from " + min + " to " + max
                + ", got '" + value + "'");
    }

    private static float[] triple(Properties p, String key, String fallback) {
        String value = text(p, key, fallback);
        String[] parts = value.split(",");
        if (parts.length == 3) {
            try {
                float[] v = new float[3];
                for (int c = 0; c < 3; c++) {
                    v[c] = Float.parseFloat(parts[c].strip());
                    if (!Float.isFinite(v[c])) {
                        throw new NumberFormatException();
                    }
                }
                return v;
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new ModelFolderException(FILE_NAME + ": " + key + " must be three numbers separated by commas"
                + " (one per channel, in the model's channel order), got '" + value + "'");
    }

    /** The model's input as this descriptor and the model's own size give it. */
    ImageInput input(String modelInputName, int modelWidth, int modelHeight) {
        return new ImageInput(modelInputName, modelWidth, modelHeight, layout, channels, mean, std, resize, padValue);
    }
}
