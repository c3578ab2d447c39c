package io.driftless.source.internal;

import io.driftless.source.ReportSettings;
import io.driftless.source.internal.ResponseTracker.Progress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The live status line, printed every interval from a thread of its own:
 *
 * <pre>
 * [  12s] sent 7,200 (600/s)  answered 7,180  dropped 12  in flight 8  rtt p50 1.2 ms p99 4.5 ms  on time 99.7%
 * </pre>
 *
 * <p>Counts are totals since the start; the rate, the round-trip percentiles and the on-time share
 * (of the frames settled, answered or dropped) cover the last interval, so a cold start reads as
 * it warms up. On a terminal each line overwrites the previous one.
 */
public final class StatusReporter implements AutoCloseable {

    private final PrintStream out;
    private final boolean overwrite;
    private final ResponseTracker tracker;
    private final long startNanos;
    private final ScheduledExecutorService timer;
    private long lastNanos;
    private long lastSent;
    private long lastSettled;
    private long lastOnTime;
    private int lastLength;

    private StatusReporter(PrintStream out, boolean overwrite, ResponseTracker tracker,
            long startNanos) {
        this.out = out;
        this.overwrite = overwrite;
        this.tracker = tracker;
        this.startNanos = startNanos;
        this.lastNanos = startNanos;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "driftless-source-status");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the status line {@code report} asks for; null when the run is quiet. */
    public static StatusReporter start(ReportSettings report, ResponseTracker tracker,
            long startNanos) {
        return report.statusOut() == null ? null
                : start(report.statusOut(), report.statusInterval(), tracker, startNanos);
    }

    /**
     * Starts printing to {@code out} every {@code interval}; overwrites in place when {@code out}
     * is the standard output or error of a process attached to a console.
     */
    private static StatusReporter start(PrintStream out, Duration interval, ResponseTracker tracker,
            long startNanos) {
        boolean terminal = System.console() != null && (out == System.out || out == System.err);
        StatusReporter reporter = new StatusReporter(out, terminal, tracker, startNanos);
        long period = interval.toNanos();
        reporter.timer.scheduleAtFixedRate(reporter::print, period, period, TimeUnit.NANOSECONDS);
        return reporter;
    }

    /** Stops the timer and prints one last line, ending it. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        print();
        if (overwrite) {
            out.println();
        }
        out.flush();
    }

    private synchronized void print() {
        long now = System.nanoTime();
        Progress p = tracker.progress();
        Histogram rtt = tracker.intervalRtt();
        double seconds = (now - lastNanos) / 1e9;
        long rate = seconds > 0 ? Math.round((p.sent() - lastSent) / seconds) : 0;
        lastNanos = now;
        lastSent = p.sent();
        long settled = p.responses() + p.dropped() - lastSettled;
        long onTime = p.onTime() - lastOnTime;
        lastSettled = p.responses() + p.dropped();
        lastOnTime = p.onTime();
        String line = line((now - startNanos) / 1_000_000_000L, p.sent(), rate, p.responses(),
                p.dropped(), p.inFlight(),
                rtt.getTotalCount() == 0 ? Double.NaN : rtt.getValueAtPercentile(50) / 1e3,
                rtt.getTotalCount() == 0 ? Double.NaN : rtt.getValueAtPercentile(99) / 1e3,
                settled <= 0 ? Double.NaN : (double) onTime / settled);
        if (overwrite) {
            int pad = Math.max(0, lastLength - line.length());
            out.print("\r" + line + " ".repeat(pad));
            lastLength = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** One status line; NaN prints as a dash. */
    public static String line(long elapsedS, long sent, long ratePerS, long answered, long dropped,
            long inFlight, double rttP50Ms, double rttP99Ms, double onTimeRatio) {
        return String.format(Locale.ROOT,
                "[%4ds] sent %,d (%,d/s)  answered %,d  dropped %,d  in flight %,d"
                        + "  rtt p50 %s p99 %s  on time %s",
                elapsedS, sent, ratePerS, answered, dropped, inFlight, millis(rttP50Ms),
                millis(rttP99Ms),
                Double.isNaN(onTimeRatio) ? "-" : String.format(Locale.ROOT, "%.1f%%",
                        100 * onTimeRatio));
    }

    private static String millis(double ms) {
        return Double.isNaN(ms) ? "-" : String.format(Locale.ROOT, "%.1f ms", ms);
    }
}
