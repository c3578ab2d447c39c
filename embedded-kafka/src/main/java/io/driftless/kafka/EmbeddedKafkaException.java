package io.driftless.kafka;

/** The embedded broker could not do what was asked: start, create topics, or shut down cleanly. */
public final class EmbeddedKafkaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EmbeddedKafkaException(String message, Throwable cause) {
        super(message, cause);
    }
}
