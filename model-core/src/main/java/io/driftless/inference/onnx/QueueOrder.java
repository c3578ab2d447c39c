package io.driftless.inference.onnx;

/** Which waiting request a runner serves first. */
public enum QueueOrder {
    /**
     * First come, first served. Right for one job's frames: a session's frames then finish in
     * the order they came, where deadlines that differ only by a changing clock-offset estimate
     * could put a newer frame first and make the older one stale.
     */
    ARRIVAL,
    /**
     * Earliest deadline first, arrival among equal deadlines. Right for a server that many
     * clients with different budgets share.
     */
    EARLIEST_DEADLINE
}
