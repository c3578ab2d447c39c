package io.driftless.inference.image;

/**
 * Client image bytes that driftless refuses to decode. The message is the detail a dropped frame
 * carries: it says what is wrong with the image and, where a limit was hit, which limit.
 */
public final class InvalidImageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidImageException(String detail) {
        super(detail);
    }
}
