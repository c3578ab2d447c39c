package io.driftless.bench.load;

import io.driftless.source.RunSummary.Drift;
import io.driftless.source.RunSummary.Quantile;
import io.driftless.source.RunSummary.Stages;
import java.util.List;
import java.util.Map;

/**
 * One measured run of synthetic users against one system: what the client saw, checked by the
 * accounting, with the generator's CPU share. Latencies are client round trips (send to
 * receive, one clock) in milliseconds.
 *
 * @param system the system's name
 * @param users synthetic users, besides any flooder
 * @param fps frames per second per user
 * @param offeredFps frames per second offered in all, flooder included
 * @param durationS seconds of sending
 * @param sent frames sent
 * @param responses frames answered with coordinates
 * @param dropped frames answered with a drop, by reason (reasons with none left out)
 * @param unanswered frames the client had no answer for after its drain
 * @param unaccounted frames the accounting found no answer for on the answer topics
 * @param lateResponses responses the job emitted past their deadline (must be 0)
 * @param onTimeRatio on-time responses over frames sent
 * @param goodputFps on-time responses per second of sending
 * @param p50Ms round-trip median
 * @param p99Ms round-trip 99th percentile
 * @param p999Ms round-trip 99.9th percentile
 * @param maxMs longest round trip
 * @param generatorCpuShare the load generator's share of the process's CPU time
 * @param generatorCores the load generator's CPU time over wall time, in cores
 * @param processCpuUsPerFrame the whole process's CPU time over the run's window per frame sent, in
 *     microseconds: broker, load generator, compiler and collector included, and the system under
 *     test where it runs in this process
 * @param contextSwitchesPerFrame the process's threads' context switches over the same window per
 *     frame sent (NaN where Linux's {@code /proc} is not there)
 * @param rttDistribution the round trips' distribution, closer together towards the tail, the
 *     last quantile the maximum; empty when nothing was answered
 * @param drift how far the overlay was drawn from the synthetic faces, carried forward and as
 *     answered, on frames shown at their capture
 * @param stages where the round trips went, stage by stage, by the job's stamps (none for the
 *     floors that stamp no timing)
 */
public record RunResult(
        String system,
        int users,
        int fps,
        double offeredFps,
        double durationS,
        long sent,
        long responses,
        Map<String, Long> dropped,
        long unanswered,
        long unaccounted,
        long lateResponses,
        double onTimeRatio,
        double goodputFps,
        double p50Ms,
        double p99Ms,
        double p999Ms,
        double maxMs,
        double generatorCpuShare,
        double generatorCores,
        double processCpuUsPerFrame,
        double contextSwitchesPerFrame,
        List<Quantile> rttDistribution,
        Drift drift,
        Stages stages) {

    public RunResult {
        dropped = Map.copyOf(dropped);
        rttDistribution = List.copyOf(rttDistribution);
    }

    /** This run under another system name, e.g. to tell a payload's runs from the others in plots. */
    public RunResult named(String name) {
        return new RunResult(name, users, fps, offeredFps, durationS, sent, responses, dropped, unanswered,
                unaccounted, lateResponses, onTimeRatio, goodputFps, p50Ms, p99Ms, p999Ms, maxMs, generatorCpuShare,
                generatorCores, processCpuUsPerFrame, contextSwitchesPerFrame, rttDistribution, drift, stages);
    }

    public long droppedTotal() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }
}
