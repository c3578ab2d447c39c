package io.driftless.source.video;

/**
 * The video source cannot be opened or read: a missing or undecodable file, a missing or busy
 * webcam, a stream that cannot be reached. The message names the source and what to check.
 */
public final class SourceUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SourceUnavailableException(String message) {
        super(message);
    }

    public SourceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
