package io.driftless.job.parse;

import io.driftless.inference.MicroClock;
import io.driftless.job.metrics.DriftlessMetricGroup;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.log.ThrottledLog;
import io.driftless.job.kafka.RawFrame;
import io.driftless.job.metrics.DropCounters;
import io.driftless.job.metrics.PayloadCounter;
import io.driftless.job.record.Drops;
import io.driftless.job.record.FrameDrop;
import io.driftless.proto.DropReason;
import org.apache.flink.api.common.functions.OpenContext;
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
    private transient PayloadCounter framesIn;
    private transient DropCounters dropped;

    public FrameParser(FrameDecoder decoder, MicroClock clock) {
        this.decoder = decoder;
        this.clock = clock;
    }

    @Override
    public void open(OpenContext openContext) {
        invalidLog = new ThrottledLog(LOG, 10_000);
        MetricGroup metrics = DriftlessMetricGroup.of(getRuntimeContext());
        framesIn = new PayloadCounter(metrics, "frames_in");
        dropped = new DropCounters(metrics, DropReason.INVALID);
    }

    @Override
    public void processElement(RawFrame raw, Context ctx, Collector<FrameEnvelope> out) {
        FrameEnvelope frame = new FrameEnvelope();
        String problem = decoder.decode(raw, frame);
        framesIn.inc(frame.payload());
        if (problem == null) {
            out.collect(frame);
            return;
        }
        dropped.dropped(frame.payload(), DropReason.INVALID);
        invalidLog.warn("dropping invalid frame of session '{}' seq {}: {}", frame.sessionId, frame.sequence, problem);
        ctx.output(Drops.TAG, FrameDrop.of(frame, DropReason.INVALID, problem, clock.nowMicros()));
    }
}
