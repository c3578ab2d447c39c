package io.driftless.inference.vision;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.ModelAdapter;
import io.driftless.inference.face.RgbPixels;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A user's image model as {@link ModelFolder#load} found it: the ONNX bytes, checked against its
 * descriptor, and the adapter that runs it.
 *
 * @param maxBatchSize 1 when the model was exported with a fixed batch of one, else unbounded
 *     ({@link Integer#MAX_VALUE}): the runner's own limit applies
 */
public record ImageModel(ModelDescriptor descriptor, byte[] onnx, ImageInput input, Labels labels, int maxBatchSize,
        ModelAdapter<RgbPixels, ImageAnswer> adapter) {

    public String name() {
        return descriptor.name();
    }

    public ModelDescriptor.Family family() {
        return descriptor.family();
    }

    static ModelAdapter<RgbPixels, ImageAnswer> detector(YoloDetectionAdapter adapter) {
        return new Answering<>(adapter, objects -> new ImageAnswer(objects, List.of()));
    }

    static ModelAdapter<RgbPixels, ImageAnswer> classifier(ClassificationAdapter adapter) {
        return new Answering<>(adapter, classes -> new ImageAnswer(List.of(), classes));
    }

    /** One family's adapter, its results wrapped as {@link ImageAnswer}s. */
    private record Answering<T>(ModelAdapter<RgbPixels, T> family, Function<T, ImageAnswer> wrap)
            implements ModelAdapter<RgbPixels, ImageAnswer> {

        @Override
        public String modelName() {
            return family.modelName();
        }

        @Override
        public Map<String, OnnxTensor> encode(OrtEnvironment env, List<RgbPixels> batch) throws OrtException {
            return family.encode(env, batch);
        }

        @Override
        public List<ImageAnswer> decode(OrtSession.Result outputs, List<RgbPixels> batch) throws OrtException {
            return family.decode(outputs, batch).stream().map(wrap).toList();
        }
    }
}
