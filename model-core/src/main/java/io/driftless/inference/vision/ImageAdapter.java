package io.driftless.inference.vision;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.driftless.inference.ModelAdapter;
import io.driftless.inference.face.RgbPixels;
import io.driftless.inference.onnx.InputTensorMemory;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What every image model's adapter holds and does alike: its name, the input it fits frames
 * into, the output it reads and the labels of its classes; frames become its input tensor by
 * {@link ImageTensors#encode}. Each family decodes its own output.
 */
public abstract sealed class ImageAdapter<R> implements ModelAdapter<RgbPixels, R>
        permits ClassificationAdapter, YoloDetectionAdapter {

    private final String modelName;
    final ImageInput input;
    final String outputName;
    final Labels labels;
    private final InputTensorMemory inputMemory = new InputTensorMemory();

    ImageAdapter(String modelName, ImageInput input, String outputName, Labels labels) {
        this.modelName = Objects.requireNonNull(modelName, "modelName");
        this.input = Objects.requireNonNull(input, "input");
        this.outputName = Objects.requireNonNull(outputName, "outputName");
        this.labels = Objects.requireNonNull(labels, "labels");
    }

    @Override
    public final String modelName() {
        return modelName;
    }

    public final ImageInput input() {
        return input;
    }

    @Override
    public final Map<String, OnnxTensor> encode(OrtEnvironment env, List<RgbPixels> batch) throws OrtException {
        return ImageTensors.encode(env, input, batch, inputMemory);
    }
}
