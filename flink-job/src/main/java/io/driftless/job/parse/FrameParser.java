package io.driftless.job.parse;

import io.driftless.inference.MicroClock;
import io.driftless.inference.flink.DriftlessMetricGroup;
import io.driftless.inference.flink.FrameEnvelope;
import io.driftless.job.ThrottledLog;
import io.driftless.job.kafka.RawFrame;
import io.driftless.job.metrics.FrameCounters;
import io.driftless.job.record.Drops;
import io.driftless.job.record.FrameDrop;
import io.driftless.proto.DropReason;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Decodes records into frames; anything outside the contract becomes an INVALID drop. */
public class FrameParser extends ProcessFunction<RawFrame, FrameEnvelope> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(FrameParser.class);

    private final FrameDecoder decoder;
    private final MicroClock clock;
    private transient ThrottledLog invalidLog;
    private transient Counter framesIn;
    private transient Counter invalid;

    public FrameParser(FrameDecoder decoder, MicroClock clock) {
        this.decoder = decoder;
        this.clock = clock;
    }

    @Override
    public void open(OpenContext openContext) {
        invalidLog = new ThrottledLog(LOG, 10_000);
        MetricGroup metrics = DriftlessMetricGroup.of(getRuntimeContext());
        framesIn = metrics.counter("frames_in");
        invalid = FrameCounters.dropped(metrics, DropReason.INVALID);
    }

    @Override
    public void processElement(RawFrame raw, Context ctx, Collector<FrameEnvelope> out) {
        framesIn.inc();
        FrameEnvelope frame = new FrameEnvelope();
        String problem = decoder.decode(raw, frame);
        if (problem == null) {
            out.collect(frame);
            return;
        }
        invalid.inc();
        invalidLog.warn("dropping invalid frame of session '{}' seq {}: {}", frame.sessionId, frame.sequence, problem);
        ctx.output(Drops.TAG, FrameDrop.of(frame, DropReason.INVALID, problem, clock.nowMicros()));
    }
}
