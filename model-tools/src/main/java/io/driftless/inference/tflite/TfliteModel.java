package io.driftless.inference.tflite;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A TFLite model file (FlatBuffer, file identifier {@code TFL3}), read into plain objects.
 * Only the main subgraph is read; the slot numbers below follow TFLite's {@code schema.fbs}.
 *
 * @param tensors the main subgraph's tensors, by index
 * @param operators its operators, in execution order
 * @param inputs the indices of its input tensors
 * @param outputs the indices of its output tensors
 */
record TfliteModel(
        long schemaVersion, String description, List<TfliteTensor> tensors, List<TfliteOperator> operators,
        int[] inputs, int[] outputs) {

    private static final String FILE_IDENTIFIER = "TFL3";

    // table Model
    private static final int MODEL_VERSION = 0;
    private static final int MODEL_OPERATOR_CODES = 1;
    private static final int MODEL_SUBGRAPHS = 2;
    private static final int MODEL_DESCRIPTION = 3;
    private static final int MODEL_BUFFERS = 4;
    // table OperatorCode
    private static final int CODE_DEPRECATED_BUILTIN = 0;
    private static final int CODE_CUSTOM = 1;
    private static final int CODE_BUILTIN = 3;
    // table SubGraph
    private static final int SUBGRAPH_TENSORS = 0;
    private static final int SUBGRAPH_INPUTS = 1;
    private static final int SUBGRAPH_OUTPUTS = 2;
    private static final int SUBGRAPH_OPERATORS = 3;
    // table Tensor
    private static final int TENSOR_SHAPE = 0;
    private static final int TENSOR_TYPE = 1;
    private static final int TENSOR_BUFFER = 2;
    private static final int TENSOR_NAME = 3;
    private static final int TENSOR_QUANTIZATION = 4;
    private static final int TENSOR_SPARSITY = 6;
    // table QuantizationParameters
    private static final int QUANTIZATION_SCALE = 2;
    // table Buffer
    private static final int BUFFER_DATA = 0;
    private static final int BUFFER_OFFSET = 1;
    private static final int BUFFER_SIZE = 2;
    // table Operator (builtin_options is a union: slot 3 its type, slot 4 its table)
    private static final int OPERATOR_OPCODE_INDEX = 0;
    private static final int OPERATOR_INPUTS = 1;
    private static final int OPERATOR_OUTPUTS = 2;
    private static final int OPERATOR_BUILTIN_OPTIONS = 4;

    /** Reads a model file; fails with what is wrong when the bytes are no usable TFLite model. */
    static TfliteModel read(byte[] file) {
        try {
            return read(ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN));
        } catch (IndexOutOfBoundsException | BufferUnderflowException e) {
            throw new IllegalArgumentException("not a valid TFLite model: an offset points outside the file ("
                    + e.getMessage() + ")", e);
        }
    }

    private static TfliteModel read(ByteBuffer file) {
        FlatTable model;
        try {
            model = FlatTable.root(file, FILE_IDENTIFIER);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a TFLite model: " + e.getMessage(), e);
        }
        List<FlatTable> subgraphs = model.tableVector(MODEL_SUBGRAPHS);
        if (subgraphs.size() != 1) {
            throw new IllegalArgumentException("the model has " + subgraphs.size()
                    + " subgraphs; only single-subgraph models (no control flow) can be converted");
        }
        List<FlatTable> buffers = model.tableVector(MODEL_BUFFERS);
        List<FlatTable> codes = model.tableVector(MODEL_OPERATOR_CODES);
        FlatTable graph = subgraphs.get(0);

        List<TfliteTensor> tensors = new ArrayList<>();
        List<FlatTable> tensorTables = graph.tableVector(SUBGRAPH_TENSORS);
        for (int i = 0; i < tensorTables.size(); i++) {
            tensors.add(tensor(i, tensorTables.get(i), buffers, file));
        }
        List<TfliteOperator> operators = new ArrayList<>();
        List<FlatTable> operatorTables = graph.tableVector(SUBGRAPH_OPERATORS);
        for (int i = 0; i < operatorTables.size(); i++) {
            FlatTable op = operatorTables.get(i);
            int codeIndex = op.intField(OPERATOR_OPCODE_INDEX, 0);
            if (codeIndex < 0 || codeIndex >= codes.size()) {
                throw new IllegalArgumentException("operator " + i + " refers to operator code " + codeIndex
                        + " of " + codes.size());
            }
            FlatTable code = codes.get(codeIndex);
            if (code.string(CODE_CUSTOM) != null) {
                throw new IllegalArgumentException("operator " + i + " is the custom operator '"
                        + code.string(CODE_CUSTOM) + "', which has no ONNX equivalent here");
            }
            // codes above 127 only fit the newer int field; older files set only the byte field
            int builtin = Math.max(code.signedByteField(CODE_DEPRECATED_BUILTIN, 0), code.intField(CODE_BUILTIN, 0));
            operators.add(new TfliteOperator(i, builtin, op.intVector(OPERATOR_INPUTS),
                    op.intVector(OPERATOR_OUTPUTS), op.table(OPERATOR_BUILTIN_OPTIONS)));
        }
        return new TfliteModel(model.intField(MODEL_VERSION, 0) & 0xFFFFFFFFL, model.string(MODEL_DESCRIPTION),
                List.copyOf(tensors), List.copyOf(operators), graph.intVector(SUBGRAPH_INPUTS),
                graph.intVector(SUBGRAPH_OUTPUTS));
    }

    TfliteTensor tensor(int index) {
        if (index < 0 || index >= tensors.size()) {
            throw new IllegalArgumentException("tensor index " + index + " is out of range (the model has "
                    + tensors.size() + " tensors)");
        }
        return tensors.get(index);
    }

    private static TfliteTensor tensor(int index, FlatTable t, List<FlatTable> buffers, ByteBuffer file) {
        String name = t.string(TENSOR_NAME);
        int bufferIndex = t.intField(TENSOR_BUFFER, 0);
        if (bufferIndex < 0 || bufferIndex >= buffers.size()) {
            throw new IllegalArgumentException("tensor " + index + " '" + name + "' refers to buffer "
                    + bufferIndex + " of " + buffers.size());
        }
        FlatTable quantization = t.table(TENSOR_QUANTIZATION);
        boolean quantized = quantization != null && quantization.has(QUANTIZATION_SCALE);
        if (t.has(TENSOR_SPARSITY)) {
            throw new IllegalArgumentException("tensor " + index + " '" + name
                    + "' is sparse; sparse tensors are not supported");
        }
        return new TfliteTensor(index, name == null ? "" : name, t.intVector(TENSOR_SHAPE),
                TensorType.of(t.byteField(TENSOR_TYPE, 0)), data(buffers.get(bufferIndex), file), quantized);
    }

    /** A buffer's bytes: inline, or (in files over 2 GB) at an offset from the start of the file. */
    private static ByteBuffer data(FlatTable buffer, ByteBuffer file) {
        long offset = buffer.longField(BUFFER_OFFSET, 0);
        if (offset > 1) {
            long size = buffer.longField(BUFFER_SIZE, 0);
            if (offset + size > file.limit()) {
                throw new IllegalArgumentException("a buffer of " + size + " bytes at offset " + offset
                        + " runs past the end of the file (" + file.limit() + " bytes)");
            }
            return file.duplicate().position((int) offset).limit((int) (offset + size)).slice()
                    .order(ByteOrder.LITTLE_ENDIAN);
        }
        return buffer.byteVector(BUFFER_DATA);
    }
}
