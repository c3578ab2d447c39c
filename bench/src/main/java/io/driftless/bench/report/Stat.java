package io.driftless.bench.report;

import java.util.List;

/** The median of repeated runs' values and their spread; NaN values (nothing measured) are left out. */
public record Stat(double median, double min, double max, int n) {

    public static Stat of(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return new Stat(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return new Stat(median, v[0], v[v.length - 1], v.length);
    }
}
