package io.driftless.inference.service;

/**
 * One frame inside the job: the client's fields, decoded, plus the stamps the job adds.
 *
 * <p>A Flink POJO (public fields, no-arg constructor) so it travels between operators
 * without Kryo. Client stamps are on the client's clock; the rest on the job's clock.
 */
public class FrameEnvelope {

    public String sessionId;
    public long sequence;
    /** Client clock, microseconds since the epoch. */
    public long captureTimeUs;
    /** Client clock, microseconds since the epoch. */
    public long sendTimeUs;
    /** The budget that applies to this frame (the job default when the client sent 0). */
    public int deadlineMs;
    /** Broker append time when the topic uses LogAppendTime, else 0. */
    public long brokerAppendUs;
    /** When the job's source read the record. */
    public long ingestUs;
    /** When the admission gate let the frame through to inference, job clock; 0 before. */
    public long admittedUs;
    /** The admission gate's estimate of (job clock - client clock) for the session. */
    public long clockOffsetUs;
    /** capture + clock offset + budget: the job-clock instant by which it must be emitted. */
    public long deadlineUs;
    /** The topic prefix the client asked its answers to go to (checked by the parser); null for the shared topics. */
    public String replyTo;

    /** Landmark payload: x0, y0, x1, y1, ... in pixels; null for other payloads. */
    public float[] keypoints;
    public int imageWidth;
    public int imageHeight;
    /** 0 when the client does not know its focal length. */
    public float focalLengthPx;
    /**
     * Image payload: the client's JPEG, whose header the parser has checked against the input
     * limits and {@link #imageWidth} x {@link #imageHeight}; null for other payloads.
     */
    public byte[] jpeg;
    /** Image payload: the image model the client asked for by name; null for the job's first. */
    public String imageModel;

    public FrameEnvelope() {}

    /** Which model family the frame needs. */
    public Payload payload() {
        return jpeg != null ? Payload.IMAGE : Payload.LANDMARKS;
    }

    /** The job-clock instant at which the frame was captured, by the current offset estimate. */
    public long captureJobUs() {
        return captureTimeUs + clockOffsetUs;
    }
}
