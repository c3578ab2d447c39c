package io.driftless.inference;

import java.io.Serializable;
import java.time.Instant;

/**
 * Wall-clock time in microseconds since the epoch: the job's clock for deadlines and timing
 * stamps. An interface so tests can drive time by hand.
 */
@FunctionalInterface
public interface MicroClock extends Serializable {

    long nowMicros();

    /** The system clock, at the microsecond resolution the platform gives. */
    static MicroClock system() {
        return SystemMicroClock.INSTANCE;
    }

    /** The system clock as a serializable singleton, so functions that hold it can be shipped. */
    enum SystemMicroClock implements MicroClock {
        INSTANCE;

        @Override
        public long nowMicros() {
            Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        }
    }
}
