package io.driftless.job.testutils;

import io.driftless.inference.MicroClock;
import java.util.concurrent.atomic.AtomicLong;

/** A job clock the test moves by hand. */
public final class ManualClock implements MicroClock {

    private static final long serialVersionUID = 1L;

    private final AtomicLong now;

    public ManualClock(long startMicros) {
        this.now = new AtomicLong(startMicros);
    }

    @Override
    public long nowMicros() {
        return now.get();
    }

    public void set(long micros) {
        now.set(micros);
    }

    public void advance(long micros) {
        now.addAndGet(micros);
    }
}
