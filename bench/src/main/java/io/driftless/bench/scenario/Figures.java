package io.driftless.bench.scenario;

import io.driftless.bench.report.Stat;
import java.util.Locale;

/** How the report writes numbers: medians with their spread when runs were repeated. */
final class Figures {

    private Figures() {}

    static String ms(Stat s) {
        if (Double.isNaN(s.median())) {
            return "-";
        }
        return s.n() > 1
                ? String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", s.median(), s.min(), s.max())
                : String.format(Locale.ROOT, "%.2f", s.median());
    }

    static String percent(Stat s) {
        if (Double.isNaN(s.median())) {
            return "-";
        }
        return s.n() > 1
                ? String.format(Locale.ROOT, "%.2f%% (%.2f–%.2f)", 100 * s.median(), 100 * s.min(), 100 * s.max())
                : String.format(Locale.ROOT, "%.2f%%", 100 * s.median());
    }

    static String percent(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    static String rate(double perS) {
        return Double.isNaN(perS) ? "-" : String.format(Locale.ROOT, "%,.0f", perS);
    }

    static String ratio(double value, double floor) {
        if (Double.isNaN(value) || Double.isNaN(floor) || floor <= 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f×", value / floor);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
