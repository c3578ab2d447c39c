package io.driftless.inference.remote;

import io.driftless.inference.MicroClock;

/**
 * Stops calling a server that is down, and probes it back.
 *
 * <p>Closed: every call goes through; {@code failureThreshold} unavailable answers in a row
 * open it. Open: calls are refused at once (the frame becomes a drop without a network round
 * trip), until the open time has passed; then one call goes through as a probe (half-open).
 * The probe's success closes it; its failure opens it again for twice as long, up to
 * {@code maxOpenMicros}. Thread-safe.
 */
final class CircuitBreaker {

    enum Permit {
        /** A normal call. */
        CALL,
        /** The one call that tests whether the server is back. */
        PROBE,
        /** No call: the server is taken to be down. */
        REFUSED
    }

    private enum State { CLOSED, OPEN, HALF_OPEN }

    private final int failureThreshold;
    private final long minOpenMicros;
    private final long maxOpenMicros;
    private final MicroClock clock;
    private State state = State.CLOSED;
    private int consecutiveFailures;
    private long openMicros;
    private long probeAtMicros;

    CircuitBreaker(int failureThreshold, long minOpenMicros, long maxOpenMicros, MicroClock clock) {
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold must be at least 1, got " + failureThreshold);
        }
        if (minOpenMicros <= 0 || maxOpenMicros < minOpenMicros) {
            throw new IllegalArgumentException("open time must be positive and at most its maximum, got "
                    + minOpenMicros + " us and " + maxOpenMicros + " us");
        }
        this.failureThreshold = failureThreshold;
        this.minOpenMicros = minOpenMicros;
        this.maxOpenMicros = maxOpenMicros;
        this.clock = clock;
        this.openMicros = minOpenMicros;
    }

    synchronized Permit acquire() {
        switch (state) {
            case CLOSED:
                return Permit.CALL;
            case OPEN:
                if (clock.nowMicros() >= probeAtMicros) {
                    state = State.HALF_OPEN;
                    return Permit.PROBE;
                }
                return Permit.REFUSED;
            default:
                // a probe is out: wait for its verdict
                return Permit.REFUSED;
        }
    }

    /** The server answered (whatever it said). */
    synchronized void succeeded(Permit permit) {
        consecutiveFailures = 0;
        if (permit == Permit.PROBE || state == State.HALF_OPEN) {
            state = State.CLOSED;
            openMicros = minOpenMicros;
        }
    }

    /** The server could not be reached, or the probe got no answer. */
    synchronized void failed(Permit permit) {
        if (permit == Permit.PROBE) {
            openMicros = Math.min(maxOpenMicros, openMicros * 2);
            open();
        } else if (state == State.CLOSED && ++consecutiveFailures >= failureThreshold) {
            open();
        }
    }

    private void open() {
        state = State.OPEN;
        probeAtMicros = clock.nowMicros() + openMicros;
    }

    synchronized boolean isOpen() {
        return state != State.CLOSED;
    }

    /** Why a call was refused, for the drop's detail. */
    synchronized String refusal() {
        long wait = Math.max(0, probeAtMicros - clock.nowMicros());
        return state == State.HALF_OPEN
                ? "inference server unreachable; a probe is checking whether it is back"
                : "inference server unreachable (circuit open); next probe in "
                        + wait / 1000 + " ms";
    }
}
