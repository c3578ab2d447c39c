package io.driftless.bench.system;

/**
 * Something that answers frames through Kafka: the pipeline itself, or one of its floors. Only
 * one runs at a time, so none takes the others' CPU.
 */
public interface SystemUnderTest extends AutoCloseable {

    /** A short name for tables and plots, e.g. {@code pipeline} or {@code transport floor}. */
    String name();

    /** Where to send frames and read answers. */
    Topics topics();
}
