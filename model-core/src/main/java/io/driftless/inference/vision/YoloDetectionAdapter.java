package io.driftless.inference.vision;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.face.RgbPixels;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An object detector in the layouts Ultralytics' ONNX exports write for YOLO v8 and v11, and
 * for YOLOv5: an RGB frame of any size in, the objects in it out, in the frame's pixels.
 *
 * <p>Input: the frame letterboxed (centred, padded with 114) into the model's declared size,
 * RGB, NCHW, scaled to [0, 1] (all of which the {@link ImageInput} says). Output, one of:
 *
 * <ul>
 *   <li>{@link OutputLayout#RAW}: {@code [N, 4 + classes, anchors]}, per anchor the box's centre
 *       x, y, width and height in input pixels, then one score per class (already sigmoid).
 *       The adapter keeps each anchor's best class at or above the minimum score and runs
 *       class-wise non-max suppression.
 *   <li>{@link OutputLayout#NMS}: {@code [N, detections, 6]}, the export with {@code nms=True}:
 *       x1, y1, x2, y2 in input pixels, score, class; rows under the minimum score (the
 *       export's zero padding among them) are skipped.
 *   <li>{@link OutputLayout#YOLOV5}: {@code [N, anchors, 5 + classes]}, YOLOv5's {@code
 *       export.py --include onnx}: per anchor the box's centre x, y, width and height in input
 *       pixels, the objectness, then one score per class (all already sigmoid). An object's score
 *       is objectness times class score, as YOLOv5's own post-processing has it; then as raw.
 * </ul>
 *
 * <p>Boxes are mapped back through the letterbox and clipped to the frame.
 */
public final class YoloDetectionAdapter extends ImageAdapter<List<ObjectDetection>> {

    /** Where the model's output stands in YOLO's post-processing. */
    public enum OutputLayout {
        /** {@code [N, 4 + classes, anchors]}: boxes as centre and size, scores per class. */
        RAW,
        /** {@code [N, detections, 6]}: x1, y1, x2, y2, score, class, suppression already done. */
        NMS,
        /** {@code [N, anchors, 5 + classes]}: boxes as centre and size, objectness, scores per class. */
        YOLOV5
    }

    private final OutputLayout layout;
    private final float minScore;
    private final float maxIou;
    private final int maxDetections;

    /**
     * @param minScore the lowest score reported, in (0, 1)
     * @param maxIou overlap above which the lower-scored of two boxes of one class is dropped, in (0, 1]
     * @param maxDetections the most objects reported per frame
     */
    public YoloDetectionAdapter(String modelName, ImageInput input, String outputName, OutputLayout layout,
            Labels labels, float minScore, float maxIou, int maxDetections) {
        super(modelName, input, outputName, labels);
        this.layout = Objects.requireNonNull(layout, "layout");
        if (!(minScore > 0 && minScore < 1)) {
            throw new IllegalArgumentException("minScore must be between 0 and 1 (exclusive), got " + minScore);
        }
        if (!(maxIou > 0 && maxIou <= 1)) {
            throw new IllegalArgumentException("maxIou must be above 0 and at most 1, got " + maxIou);
        }
        if (maxDetections < 1) {
            throw new IllegalArgumentException("maxDetections must be at least 1, got " + maxDetections);
        }
        this.minScore = minScore;
        this.maxIou = maxIou;
        this.maxDetections = maxDetections;
    }

    @Override
    public List<List<ObjectDetection>> decode(OrtSession.Result outputs, List<RgbPixels> batch) {
        OnnxTensor tensor = ImageTensors.output(outputs, outputName, batch.size(), 3);
        long[] shape = tensor.getInfo().getShape();
        float[] raw = ImageTensors.floats(tensor);
        List<List<ObjectDetection>> results = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            RgbPixels image = batch.get(i);
            List<ClassNms.Box> boxes = switch (layout) {
                case RAW -> rawBoxes(raw, i, (int) shape[1], (int) shape[2]);
                case NMS -> nmsBoxes(raw, i, (int) shape[1], (int) shape[2]);
                case YOLOV5 -> v5Boxes(raw, i, (int) shape[1], (int) shape[2]);
            };
            results.add(toFrame(boxes, ImageFit.of(input, image.width(), image.height())));
        }
        return results;
    }

    private List<ClassNms.Box> rawBoxes(float[] raw, int image, int rows, int anchors) {
        int classes = rows - 4;
        if (classes < 1) {
            throw new IllegalStateException("model output '" + outputName + "' has " + rows
                    + " rows per anchor; the YOLO layout needs 4 box rows and at least one class row");
        }
        int base = image * rows * anchors;
        List<ClassNms.Box> candidates = new ArrayList<>();
        for (int a = 0; a < anchors; a++) {
            int best = -1;
            float bestScore = minScore;
            for (int c = 0; c < classes; c++) {
                float score = raw[base + (4 + c) * anchors + a];
                // >= so that a score equal to the minimum counts; a NaN never does
                if (score >= bestScore && (best < 0 || score > bestScore)) {
                    best = c;
                    bestScore = score;
                }
            }
            if (best < 0) {
                continue;
            }
            float cx = raw[base + a];
            float cy = raw[base + anchors + a];
            float w = raw[base + 2 * anchors + a];
            float h = raw[base + 3 * anchors + a];
            candidates.add(new ClassNms.Box(best, bestScore, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2));
        }
        return ClassNms.apply(candidates, maxIou, maxDetections);
    }

    private List<ClassNms.Box> v5Boxes(float[] raw, int image, int anchors, int columns) {
        int classes = columns - 5;
        if (classes < 1) {
            throw new IllegalStateException("model output '" + outputName + "' has " + columns
                    + " values per anchor; the YOLOv5 layout needs 4 box values, the objectness and at least one"
                    + " class score");
        }
        int base = image * anchors * columns;
        List<ClassNms.Box> candidates = new ArrayList<>();
        for (int a = 0; a < anchors; a++) {
            int at = base + a * columns;
            float objectness = raw[at + 4];
            // class scores are at most 1, so an anchor under the minimum here stays under it (YOLOv5 skips it too)
            if (!(objectness >= minScore)) {
                continue;
            }
            int best = -1;
            float bestScore = minScore;
            for (int c = 0; c < classes; c++) {
                float score = objectness * raw[at + 5 + c];
                if (score >= bestScore && (best < 0 || score > bestScore)) {
                    best = c;
                    bestScore = score;
                }
            }
            if (best < 0) {
                continue;
            }
            float cx = raw[at];
            float cy = raw[at + 1];
            float w = raw[at + 2];
            float h = raw[at + 3];
            candidates.add(new ClassNms.Box(best, bestScore, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2));
        }
        return ClassNms.apply(candidates, maxIou, maxDetections);
    }

    private List<ClassNms.Box> nmsBoxes(float[] raw, int image, int rows, int width) {
        if (width != 6) {
            throw new IllegalStateException("model output '" + outputName + "' has " + width
                    + " values per detection; the YOLO NMS layout has 6 (x1, y1, x2, y2, score, class)");
        }
        int base = image * rows * width;
        List<ClassNms.Box> boxes = new ArrayList<>();
        for (int r = 0; r < rows && boxes.size() < maxDetections; r++) {
            int at = base + r * width;
            float score = raw[at + 4];
            if (!(score >= minScore)) {
                continue;
            }
            boxes.add(new ClassNms.Box(Math.round(raw[at + 5]), score, raw[at], raw[at + 1], raw[at + 2],
                    raw[at + 3]));
        }
        return boxes;
    }

    private List<ObjectDetection> toFrame(List<ClassNms.Box> boxes, ImageFit fit) {
        List<ObjectDetection> detections = new ArrayList<>(boxes.size());
        for (ClassNms.Box b : boxes) {
            float left = clamp(fit.frameX(b.x1()), fit.frameWidth());
            float top = clamp(fit.frameY(b.y1()), fit.frameHeight());
            float right = clamp(fit.frameX(b.x2()), fit.frameWidth());
            float bottom = clamp(fit.frameY(b.y2()), fit.frameHeight());
            if (!(right > left && bottom > top)) {
                // a box wholly in the letterbox border, or not a number: nothing of the frame
                continue;
            }
            detections.add(new ObjectDetection(b.classId(), labels.of(b.classId()), b.score(), left, top, right,
                    bottom));
        }
        return detections;
    }

    private static float clamp(double v, int max) {
        return (float) Math.min(Math.max(v, 0), max);
    }
}
