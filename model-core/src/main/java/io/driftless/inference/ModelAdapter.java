package io.driftless.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.List;
import java.util.Map;

/**
 * One model family: an ONNX model's pre-processing, post-processing and the result it builds.
 *
 * <p>A runner calls {@link #encode} with every input of one micro-batch, runs the model once,
 * and calls {@link #decode} with its outputs. Both must keep the batch order: the i-th result
 * belongs to the i-th input. Implementations are stateless and thread-safe.
 *
 * @param <I> what one request carries into the model
 * @param <O> what one request gets back
 */
public interface ModelAdapter<I, O> {

    /** A short stable name, used in responses, metrics and logs (e.g. {@code pose-v1}). */
    String modelName();

    /**
     * Packs a batch into the model's named input tensors. The caller closes the tensors, and does
     * so before it encodes the next batch on the same thread: an adapter may pack each batch into
     * the memory of the one before ({@link io.driftless.inference.onnx.InputTensorMemory}).
     */
    Map<String, OnnxTensor> encode(OrtEnvironment env, List<I> batch) throws OrtException;

    /** Unpacks the model's outputs into exactly {@code batch.size()} results, in batch order. */
    List<O> decode(OrtSession.Result outputs, List<I> batch) throws OrtException;

    /**
     * One call of the model on {@code batch} in {@code session}, on the caller's thread: encode,
     * run, decode, the input tensors closed. For benchmarks and checks; the job's runners batch
     * and time their calls themselves.
     */
    default List<O> run(OrtEnvironment env, OrtSession session, List<I> batch) throws OrtException {
        Map<String, OnnxTensor> inputs = encode(env, batch);
        try (OrtSession.Result outputs = session.run(inputs)) {
            return decode(outputs, batch);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }
}
