package io.driftless.bench.scenario;

import io.driftless.bench.report.ScenarioResult;

/**
 * One question the benchmark answers. A scenario asks its {@link BenchContext} for systems and
 * measured points, and returns its table, points and headline rows; a scenario whose system
 * does not exist yet returns {@link ScenarioResult#notRun} with the reason.
 */
public interface Scenario {

    /** The id the plan names it by, e.g. {@code capacity}. */
    String id();

    String title();

    ScenarioResult run(BenchContext context) throws Exception;
}
