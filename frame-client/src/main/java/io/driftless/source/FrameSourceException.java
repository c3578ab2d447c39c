package io.driftless.source;

/**
 * A run could not start or could not go on: brokers out of reach, a topic missing, the producer
 * or the consumer failing. The message says what to check.
 */
public final class FrameSourceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public FrameSourceException(String message) {
        super(message);
    }

    public FrameSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
