package io.driftless.inference.vision;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.face.RgbPixels;
import io.driftless.inference.onnx.InputTensorMemory;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The tensor plumbing the image adapters share. */
final class ImageTensors {

    private ImageTensors() {}

    /** A batch of frames as {@code input}'s tensor in {@code memory}, each fitted by {@link ImageFit#of}. */
    static Map<String, OnnxTensor> encode(OrtEnvironment env, ImageInput input, List<RgbPixels> batch,
            InputTensorMemory memory) throws OrtException {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one image");
        }
        // direct and native-order: ONNX Runtime reads it in place, without a copy
        FloatBuffer pixels = memory.take(batch.size() * input.floatsPerImage());
        for (int i = 0; i < batch.size(); i++) {
            RgbPixels image = batch.get(i);
            ImageFit.of(input, image.width(), image.height()).write(image, pixels, i);
        }
        return Map.of(input.name(), OnnxTensor.createTensor(env, pixels, input.shape(batch.size())));
    }

    /** Output {@code name} as a float tensor, checked to be {@code batch} deep and of rank {@code rank}. */
    static OnnxTensor output(OrtSession.Result outputs, String name, int batch, int rank) {
        OnnxValue value = outputs.get(name).orElseThrow(() -> new IllegalStateException(
                "model output '" + name + "' is missing"));
        if (!(value instanceof OnnxTensor tensor)) {
            throw new IllegalStateException("model output '" + name + "' is not a tensor");
        }
        long[] shape = tensor.getInfo().getShape();
        if (shape.length != rank || shape[0] != batch) {
            throw new IllegalStateException("model output '" + name + "' has shape "
                    + Arrays.toString(shape) + ", expected rank " + rank + " and batch " + batch);
        }
        return tensor;
    }

    static float[] floats(OnnxTensor tensor) {
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] raw = new float[buffer.remaining()];
        buffer.get(raw);
        return raw;
    }
}
