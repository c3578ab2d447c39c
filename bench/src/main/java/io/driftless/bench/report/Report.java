package io.driftless.bench.report;

import io.driftless.bench.floor.ComputeFloor;
import java.util.List;

/**
 * Everything one benchmark run found; written as report.json as it stands, and as report.md.
 *
 * @param mode quick, full, or a custom plan's name
 * @param startedUtc when the run began
 * @param wallS how long it took
 * @param method how the figures were measured, in sentences for the report
 * @param computeFloor the bare model, per batch size
 * @param headline the pipeline's headline figures next to their floors
 * @param capacity what the capacity scenario found; null when it did not run
 * @param plots the PNG files written next to the report
 */
public record Report(
        String mode,
        String startedUtc,
        double wallS,
        Machine machine,
        List<String> method,
        List<ComputeFloor.Result> computeFloor,
        List<Headline> headline,
        MeasuredCapacity capacity,
        List<ScenarioResult> scenarios,
        List<String> plots) {}
