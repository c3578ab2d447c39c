package io.driftless.local;

import java.util.List;

/** The job of a local run, wherever it runs; closing it cancels the job and stops what it started. */
interface LocalJob extends AutoCloseable {

    /** Where the job's Flink web UI is. */
    String webUi();

    /** The Prometheus endpoints that carry the job's metrics; empty when the reporter is off. */
    List<String> metricsEndpoints();

    /** A line that says where the job runs, for the start-up output. */
    String describe();
}
