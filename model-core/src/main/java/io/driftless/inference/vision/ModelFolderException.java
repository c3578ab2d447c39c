package io.driftless.inference.vision;

/**
 * A model folder that cannot be served: its descriptor is malformed, or its ONNX file does not
 * match what the descriptor says. The message says which folder and what differs.
 */
public final class ModelFolderException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ModelFolderException(String message) {
        super(message);
    }

    public ModelFolderException(String message, Throwable cause) {
        super(message, cause);
    }
}
