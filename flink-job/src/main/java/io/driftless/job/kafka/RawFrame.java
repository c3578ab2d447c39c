package io.driftless.job.kafka;

/** One record of the frames topic as read, before decoding. A Flink POJO. */
public class RawFrame {

    public byte[] key;
    public byte[] value;
    public long timestampMs;
    public boolean logAppendTime;
    public int partition;
    public long offset;
    /** When the source read it, job clock. */
    public long ingestUs;

    public RawFrame() {}
}
