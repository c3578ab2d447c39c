package io.driftless.bench.scenario;

import io.driftless.bench.report.Point;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * The live progress on the console: what is being measured, how long the run has taken, and
 * about how long it has left (from the plan's estimate; capacity searches may end early).
 */
public final class ProgressLine {

    private final PrintStream out;
    private final long startNanos = System.nanoTime();
    private final Duration estimate;
    private String scenario = "";

    public ProgressLine(PrintStream out, Duration estimate) {
        this.out = out;
        this.estimate = estimate;
    }

    public void scenario(String title) {
        this.scenario = title;
        out.printf(Locale.ROOT, "%s == %s%n", clock(), title);
        out.flush();
    }

    public void step(String what) {
        out.printf(Locale.ROOT, "%s %s%s%n", clock(), scenario.isEmpty() ? "" : scenario + " | ", what);
        out.flush();
    }

    /** The figures of a point just measured, on one line. */
    public void result(Point p) {
        out.printf(Locale.ROOT, "%s    -> p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  on time %.2f%%  goodput %,.0f/s"
                        + "  unaccounted %d  late %d  generator CPU %.0f%%%n",
                clock(), p.p50Ms().median(), p.p99Ms().median(), p.p999Ms().median(),
                100 * p.onTimeRatio().median(), p.goodputFps().median(), p.unaccounted(), p.lateResponses(),
                100 * p.generatorCpuShare().median());
        out.flush();
    }

    private String clock() {
        long elapsed = (System.nanoTime() - startNanos) / 1_000_000_000L;
        long left = Math.max(0, estimate.toSeconds() - elapsed);
        return String.format(Locale.ROOT, "[%02d:%02d elapsed, ~%02d:%02d left]",
                elapsed / 60, elapsed % 60, left / 60, left % 60);
    }
}
