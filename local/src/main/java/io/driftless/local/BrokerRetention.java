package io.driftless.local;

import java.time.Duration;
import java.util.Map;

/**
 * How long the local broker keeps records. A frame is worth nothing minutes after its capture,
 * and Kafka's default of seven days keeps everything a run writes: an hour at 5,790 frames/s
 * left 7 GB on disk and grew the broker's mapped index files, part of the resident set, by
 * 24 MiB. With a retention the log, and so the broker's memory, stops growing once the oldest
 * segments start going.
 *
 * @param keep at least a minute: longer than any deadline, and than the checkpoint interval the
 *     local job restores from
 */
public record BrokerRetention(Duration keep) {

    /** Past a soak's 5-minute warm-up, the log is as large as it will get. */
    public static final BrokerRetention DEFAULT = new BrokerRetention(Duration.ofMinutes(4));

    public BrokerRetention {
        if (keep == null || keep.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("--kafka-retention must be at least 1m, got "
                    + (keep == null ? "none" : keep.toSeconds() + "s"));
        }
    }

    /** The broker settings that keep {@link #keep} of every topic. */
    Map<String, String> brokerProperties() {
        long ms = keep.toMillis();
        return Map.of(
                "log.retention.ms", Long.toString(ms),
                // retention deletes only closed segments: close them by age too, or a quiet
                // topic's one segment would never go
                "log.roll.ms", Long.toString(ms / 4),
                "log.retention.check.interval.ms", Long.toString(ms / 8));
    }
}
