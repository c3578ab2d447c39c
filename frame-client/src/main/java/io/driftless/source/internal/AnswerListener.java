package io.driftless.source.internal;

import io.driftless.proto.AnnotatedFrame;
import io.driftless.proto.ArCoordinates;

/**
 * Sees every answer of the run's sessions as the consumer reads it, duplicates included, before
 * the books are kept; for what draws the answers, e.g. a renderer. Called on the consumer thread:
 * keep it short.
 */
public interface AnswerListener {

    /** Hears nothing. */
    AnswerListener NONE = new AnswerListener() {};

    default void onCoordinates(ArCoordinates coordinates, long receiveNanos) {}

    default void onAnnotated(AnnotatedFrame annotated, long receiveNanos) {}
}
