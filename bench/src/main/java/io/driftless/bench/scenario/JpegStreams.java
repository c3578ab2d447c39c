package io.driftless.bench.scenario;

import io.driftless.bench.report.ScenarioResult;

/**
 * Scenario 4: JPEG streams at 640×480 per machine within the deadline. The job serves image
 * frames, but the benchmark's load generator sends synthetic landmark users only, so this
 * scenario reports that it did not run; it becomes a capacity search over image users once the
 * generator can offer many JPEG sessions with a sent log (frame-source's video client plays one).
 */
public final class JpegStreams implements Scenario {

    @Override
    public String id() {
        return "jpeg-streams";
    }

    @Override
    public String title() {
        return "JPEG streams at 640×480";
    }

    @Override
    public ScenarioResult run(BenchContext context) {
        return ScenarioResult.notRun(id(), title(),
                "not run: the load generator offers landmark users only; a JPEG one with a sent log is"
                        + " still to come (frame-source video --send jpeg plays one session)");
    }
}
