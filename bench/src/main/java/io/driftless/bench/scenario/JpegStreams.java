package io.driftless.bench.scenario;

import io.driftless.bench.report.ScenarioResult;

/**
 * Scenario 4: JPEG streams at 640×480 per machine within the deadline. The job has no image
 * path yet (it answers landmark frames only), so this scenario reports that it did not run; it
 * becomes a capacity search over image users once the job decodes and detects on JPEG frames.
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
                "not run: the job has no JPEG path yet (face detection on image frames is not wired into the"
                        + " topology); this scenario plugs in here when it is");
    }
}
