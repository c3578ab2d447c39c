package io.driftless.bench.report;

/**
 * One row of the report's headline table: a pipeline figure next to its floor.
 *
 * @param figure what is measured
 * @param value the pipeline's figure, with its unit
 * @param floor the floor's figure and which floor it is
 * @param ratio value over floor, or why there is none
 */
public record Headline(String figure, String value, String floor, String ratio) {}
