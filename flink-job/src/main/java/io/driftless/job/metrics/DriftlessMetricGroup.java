package io.driftless.job.metrics;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.MetricGroup;

/**
 * The one user-scope group every driftless operator reports under, so that Flink's Prometheus
 * reporter names them {@code flink_taskmanager_job_task_operator_driftless_<metric>} and a
 * dashboard finds all of the product's metrics by one prefix, apart from Flink's own.
 *
 * <p>Metric names are snake_case with their unit last ({@code age_at_emit_micros}), because the
 * reporter copies them into the Prometheus name unchanged.
 */
public final class DriftlessMetricGroup {

    public static final String NAME = "driftless";

    private DriftlessMetricGroup() {}

    public static MetricGroup of(RuntimeContext context) {
        return context.getMetricGroup().addGroup(NAME);
    }
}
