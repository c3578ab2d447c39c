package io.driftless.job.kafka;

import io.driftless.inference.service.FrameEnvelope;
import io.driftless.proto.Timing;

/** Builds the {@link Timing} every response and drop carries. */
final class TimingStamps {

    private TimingStamps() {}

    static Timing of(FrameEnvelope frame, long inferenceStartUs, long inferenceEndUs, int batchSize, long emitUs) {
        return Timing.newBuilder()
                .setCaptureUs(frame.captureTimeUs)
                .setClientSendUs(frame.sendTimeUs)
                .setBrokerAppendUs(frame.brokerAppendUs)
                .setJobIngestUs(frame.ingestUs)
                .setInferenceStartUs(inferenceStartUs)
                .setInferenceEndUs(inferenceEndUs)
                .setEmitUs(emitUs)
                .setClockOffsetUs(frame.clockOffsetUs)
                .setBatchSize(batchSize)
                .setDeadlineMs(frame.deadlineMs)
                .build();
    }
}
