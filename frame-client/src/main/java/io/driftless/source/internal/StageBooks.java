package io.driftless.source.internal;

import io.driftless.proto.Timing;
import io.driftless.source.RunSummary.Stage;
import io.driftless.source.RunSummary.Stages;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Where the round trips went, stage by stage, from the stamps the job puts on each answer: the
 * time in Kafka and the clients (the frame's send and append, the answer's whole way back: the
 * round trip less the time from the broker's append to the job's emit), the frames topic to the
 * job (the broker's append to the job's ingest: the job's fetch, with any backlog in the topic),
 * the job before the model (parse, the shuffle by session, the admission gate, the wait for the
 * model), the model, and the job after it (render gate, sink). The job's stages are differences
 * of stamps on the job's one clock; the two around the append set the broker's clock against the
 * job's, so they hold where the two share a clock (one machine, or synchronised hosts) and are
 * as fine as the broker's millisecond stamp. A frames topic without append times
 * ({@code CreateTime}) leaves the fetch in the first stage. Besides each stage's percentiles,
 * which do not add up, it keeps what does: how the time of the slow frames (those whose round
 * trip took more than half their budget) divides between the stages, which says where a tail
 * comes from. Consumer thread only.
 */
final class StageBooks {

    static final List<String> NAMES =
            List.of("Kafka and clients", "frames topic to job", "job to model", "model", "job to sink");
    private static final int FETCH = 1;

    private final Histogram[] micros = new Histogram[NAMES.size()];
    private final double[] slowMicros = new double[NAMES.size()];
    private double slowRoundTripMicros;
    private long slowFrames;

    StageBooks() {
        for (int i = 0; i < micros.length; i++) {
            micros[i] = new Histogram(3);
        }
    }

    /** Books one answered frame's round trip by its job's stamps; an answer without them, or with stamps out of order, is left out. */
    void record(long roundTripMicros, Timing timing, int deadlineMs) {
        long ingest = timing.getJobIngestUs();
        long start = timing.getInferenceStartUs();
        long end = timing.getInferenceEndUs();
        long emit = timing.getEmitUs();
        if (ingest <= 0 || start < ingest || end < start || emit < end || emit - ingest > roundTripMicros) {
            return;
        }
        long append = timing.getBrokerAppendUs();
        boolean fetched = append > 0 && append <= ingest && emit - append <= roundTripMicros;
        long fetch = fetched ? ingest - append : 0;
        long[] stage = {roundTripMicros - (emit - ingest) - fetch, fetch, start - ingest, end - start, emit - end};
        boolean slow = 2 * roundTripMicros > deadlineMs * 1_000L;
        for (int i = 0; i < stage.length; i++) {
            if (i != FETCH || fetched) {
                micros[i].recordValue(stage[i]);
            }
            if (slow) {
                slowMicros[i] += stage[i];
            }
        }
        if (slow) {
            slowRoundTripMicros += roundTripMicros;
            slowFrames++;
        }
    }

    Stages summary() {
        if (micros[0].getTotalCount() == 0) {
            return Stages.NONE;
        }
        List<Stage> stages = new ArrayList<>();
        for (int i = 0; i < micros.length; i++) {
            if (micros[i].getTotalCount() == 0) {
                continue;
            }
            stages.add(new Stage(NAMES.get(i), micros[i].getValueAtPercentile(50) / 1e3,
                    micros[i].getValueAtPercentile(99) / 1e3,
                    slowFrames == 0 ? Double.NaN : slowMicros[i] / slowRoundTripMicros));
        }
        return new Stages(stages, micros[0].getTotalCount(), slowFrames);
    }
}
