package io.driftless.inference;

/** How one inference request ended. */
public enum InferenceStatus {
    /** The model ran and produced a result. */
    OK,
    /** The request could not finish before its deadline, so it was not run (or not waited for). */
    EXPIRED,
    /** The backend's queue was full: refused to protect the requests it can still serve. */
    OVERLOADED,
    /** The model failed on this request. */
    FAILED,
    /** The request's input was refused before the model saw it (e.g. an image that does not decode). */
    INVALID
}
