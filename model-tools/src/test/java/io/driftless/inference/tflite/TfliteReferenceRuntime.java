package io.driftless.inference.tflite;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterAllocateTensors;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterCreate;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterDelete;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterGetInputTensor;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterGetOutputTensor;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterGetOutputTensorCount;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterInvoke;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterOptionsCreate;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterOptionsDelete;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterOptionsSetNumThreads;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteModelCreate;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteModelDelete;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteTensorByteSize;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteTensorCopyFromBuffer;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteTensorCopyToBuffer;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteTensorName;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.tensorflowlite.TfLiteInterpreter;
import org.bytedeco.tensorflowlite.TfLiteInterpreterOptions;
import org.bytedeco.tensorflowlite.TfLiteModel;

/** Google's own TFLite runtime (through bytedeco's C API binding): the reference a conversion must match. */
final class TfliteReferenceRuntime implements AutoCloseable {

    private static final int OK = 0;

    // the runtime reads the model in place, so its bytes must live as long as the interpreter
    private final BytePointer modelBytes;
    private final TfLiteModel model;
    private final TfLiteInterpreterOptions options;
    private final TfLiteInterpreter interpreter;

    TfliteReferenceRuntime(byte[] tflite) {
        modelBytes = new BytePointer(tflite.length).put(tflite);
        model = TfLiteModelCreate(modelBytes, tflite.length);
        if (model == null || model.isNull()) {
            throw new IllegalArgumentException("the TFLite runtime rejects the model");
        }
        options = TfLiteInterpreterOptionsCreate();
        TfLiteInterpreterOptionsSetNumThreads(options, 1);
        interpreter = TfLiteInterpreterCreate(model, options);
        if (interpreter == null || interpreter.isNull()) {
            throw new IllegalStateException("the TFLite runtime cannot build an interpreter for the model");
        }
        check(TfLiteInterpreterAllocateTensors(interpreter), "AllocateTensors");
    }

    /** Runs one input (the model's first, as laid out in the model) and returns every output by name. */
    Map<String, float[]> run(float[] input) {
        try (FloatPointer in = new FloatPointer(input)) {
            check(TfLiteTensorCopyFromBuffer(TfLiteInterpreterGetInputTensor(interpreter, 0), in,
                    (long) input.length * Float.BYTES), "CopyFromBuffer");
        }
        check(TfLiteInterpreterInvoke(interpreter), "Invoke");
        Map<String, float[]> outputs = new LinkedHashMap<>();
        for (int i = 0; i < TfLiteInterpreterGetOutputTensorCount(interpreter); i++) {
            var tensor = TfLiteInterpreterGetOutputTensor(interpreter, i);
            long bytes = TfLiteTensorByteSize(tensor);
            float[] values = new float[(int) (bytes / Float.BYTES)];
            try (FloatPointer out = new FloatPointer(values.length)) {
                check(TfLiteTensorCopyToBuffer(tensor, out, bytes), "CopyToBuffer");
                out.get(values);
            }
            outputs.put(TfLiteTensorName(tensor).getString(), values);
        }
        return outputs;
    }

    private static void check(int status, String call) {
        if (status != OK) {
            throw new IllegalStateException("TFLite " + call + " failed with status " + status);
        }
    }

    @Override
    public void close() {
        TfLiteInterpreterDelete(interpreter);
        TfLiteInterpreterOptionsDelete(options);
        TfLiteModelDelete(model);
        modelBytes.close();
    }
}
