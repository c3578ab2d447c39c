package io.driftless.inference.tflite;

/** TFLite's element types, by their code in the schema's {@code TensorType} enum. */
enum TensorType {
    FLOAT32,
    FLOAT16,
    INT32,
    UINT8,
    INT64,
    STRING,
    BOOL,
    INT16,
    COMPLEX64,
    INT8,
    FLOAT64,
    COMPLEX128,
    UINT64,
    RESOURCE,
    VARIANT,
    UINT32,
    UINT16,
    INT4,
    /** A code newer than this reader; fine as long as no converted operator touches it. */
    UNKNOWN;

    static TensorType of(int code) {
        TensorType[] types = values();
        return code >= 0 && code < types.length - 1 ? types[code] : UNKNOWN;
    }
}
