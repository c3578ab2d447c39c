package io.driftless.source;

import static io.driftless.source.SettingCheck.require;

import java.io.PrintStream;
import java.time.Duration;

/**
 * How a run of any kind reports: how long it waits for outstanding answers after its last send
 * before it sums up, and where and how often its live status line prints. The constructor rejects
 * bad values with a message naming the field.
 *
 * <pre>{@code
 * ReportSettings report = ReportSettings.DEFAULT
 *         .withDrainTimeout(Duration.ofSeconds(10))
 *         .withStatusOut(System.out);
 * }</pre>
 *
 * @param drainTimeout how long to wait for outstanding answers after the last send
 * @param statusInterval how often the live status line prints
 * @param statusOut where the live status line goes; null keeps the run quiet
 */
public record ReportSettings(
        Duration drainTimeout, Duration statusInterval, PrintStream statusOut) {

    public static final long DEFAULT_DRAIN_TIMEOUT_MS = 3_000;
    public static final long DEFAULT_STATUS_INTERVAL_MS = 1_000;
    /** A quiet run that waits the default drain timeout. */
    public static final ReportSettings DEFAULT = new ReportSettings(
            Duration.ofMillis(DEFAULT_DRAIN_TIMEOUT_MS),
            Duration.ofMillis(DEFAULT_STATUS_INTERVAL_MS), null);

    public ReportSettings {
        require(drainTimeout != null && !drainTimeout.isNegative(),
                "drainTimeout must be zero or positive, got %s", drainTimeout);
        require(statusInterval != null && statusInterval.toMillis() >= 10,
                "statusInterval must be at least 10 ms, got %s", statusInterval);
    }

    public ReportSettings withDrainTimeout(Duration drainTimeout) {
        return new ReportSettings(drainTimeout, statusInterval, statusOut);
    }

    public ReportSettings withStatusInterval(Duration statusInterval) {
        return new ReportSettings(drainTimeout, statusInterval, statusOut);
    }

    /** Where the live status line goes; null keeps the run quiet. */
    public ReportSettings withStatusOut(PrintStream statusOut) {
        return new ReportSettings(drainTimeout, statusInterval, statusOut);
    }
}
