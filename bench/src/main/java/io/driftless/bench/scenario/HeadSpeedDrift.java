package io.driftless.bench.scenario;

import static io.driftless.bench.scenario.Figures.percent;
import static io.driftless.bench.scenario.Figures.ratio;

import io.driftless.bench.floor.DriftFloor;
import io.driftless.bench.load.RunResult;
import io.driftless.bench.report.Headline;
import io.driftless.bench.report.Point;
import io.driftless.bench.report.ScenarioResult;
import io.driftless.source.MotionProfile;
import io.driftless.source.RunSummary.Drift;
import io.driftless.source.RunSummary.PixelError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the user sees: drift (the pixel distance at 640 × 480 from each AR anchor as drawn to where
 * it truly is, on every frame shown at its capture) against how fast the heads turn, one run per
 * {@link MotionProfile}. Carried forward (at the job's anchor velocities, as clients draw) and as
 * answered. At the plan's reference size, and at twice the measured capacity when the capacity
 * scenario ran (else at the plan's largest size), where most frames are dropped and the overlay
 * is carried from older answers.
 */
public final class HeadSpeedDrift implements Scenario {

    /** Also the plots' key for this scenario's chart of drift against head speed. */
    public static final String ID = "drift";
    /** The profile whose drift the headline shows: the goal is stated at 120°/s and more. */
    static final MotionProfile HEADLINE_MOTION = MotionProfile.FAST;
    private static final int FLOOR_USERS = 20;
    private static final int FLOOR_SECONDS = 10;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Drift against head speed";
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        context.progress().step("drift floor: the pose model and the render gate's filters, every answer in by the"
                + " next frame, " + FLOOR_USERS + " users x " + FLOOR_SECONDS + " s per motion profile");
        List<DriftFloor.Result> floor = DriftFloor.measure(FLOOR_USERS, FLOOR_SECONDS);
        List<Integer> sizes = new ArrayList<>();
        List<String> loads = new ArrayList<>();
        sizes.add(context.plan().referenceUsers());
        loads.add("reference");
        if (context.overCapacityUsers().isPresent()) {
            sizes.add(context.overCapacityUsers().getAsInt());
            loads.add(String.format(Locale.ROOT, "%.0f× capacity", BenchContext.OVER_CAPACITY));
        } else {
            sizes.add(context.plan().profileUsers().get(context.plan().profileUsers().size() - 1));
            loads.add("largest size");
        }
        List<List<String>> rows = new ArrayList<>();
        List<Point> points = new ArrayList<>();
        List<Headline> headline = new ArrayList<>();
        List<ScenarioResult.Series> series = new ArrayList<>();
        MotionProfile[] profiles = MotionProfile.values();
        for (int load = 0; load < sizes.size(); load++) {
            int users = sizes.get(load);
            double[] speed = new double[profiles.length];
            double[] carriedMean = new double[profiles.length];
            double[] carriedP99 = new double[profiles.length];
            double[] answeredMean = new double[profiles.length];
            for (int m = 0; m < profiles.length; m++) {
                MotionProfile motion = profiles[m];
                String label = String.format(Locale.ROOT, "drift, %s motion, %s (%d users)", motion.cliName(),
                        loads.get(load), users);
                RunResult run = context.once(SystemKind.PIPELINE, label, users, context.plan().measure(), motion);
                points.add(Point.of(label, List.of(run)));
                Drift drift = run.drift();
                speed[m] = motion.peakDegPerS();
                carriedMean[m] = drift.compensated().mean();
                carriedP99[m] = drift.compensated().p99();
                answeredMean[m] = drift.uncompensated().mean();
                rows.add(List.of(loads.get(load), Integer.toString(users), motion.cliName(),
                        String.format(Locale.ROOT, "%.0f", motion.peakDegPerS()), pixels(drift.compensated()),
                        pixels(floor.get(m).atJobVelocities()),
                        pixels(drift.uncompensated()), percent(run.onTimeRatio()),
                        percent(drift.frames() == 0 ? Double.NaN
                                : (double) drift.framesAtJobVelocities() / drift.frames())));
                if (motion == HEADLINE_MOTION) {
                    headline.add(new Headline(String.format(Locale.ROOT,
                                    "drift at up to %.0f°/s, 640 × 480, %s (%d users)", motion.peakDegPerS(),
                                    loads.get(load), users),
                            "carried forward " + pixels(drift.compensated()),
                            "as answered " + pixels(drift.uncompensated()),
                            ratio(drift.compensated().mean(), drift.uncompensated().mean())));
                    if (load == 0) {
                        headline.add(new Headline(String.format(Locale.ROOT,
                                        "drift at up to %.0f°/s, %s (%d users), against its floor", motion.peakDegPerS(),
                                        loads.get(load), users),
                                "carried forward " + pixels(drift.compensated()),
                                "floor " + pixels(floor.get(m).atJobVelocities()),
                                ratio(drift.compensated().mean(), floor.get(m).atJobVelocities().mean())));
                    }
                }
            }
            String at = String.format(Locale.ROOT, ", %s (%d users)", loads.get(load), users);
            series.add(new ScenarioResult.Series("carried forward, mean" + at, "peak head speed, °/s",
                    "drift, px at 640 × 480", speed, carriedMean));
            series.add(new ScenarioResult.Series("carried forward, p99" + at, "peak head speed, °/s",
                    "drift, px at 640 × 480", speed, carriedP99));
            series.add(new ScenarioResult.Series("as answered, mean" + at, "peak head speed, °/s",
                    "drift, px at 640 × 480", speed, answeredMean));
        }
        return new ScenarioResult(id(), title(), true,
                "Each frame is shown at its capture instant with the overlay from the newest answer received by"
                        + " then; drift is over every AR anchor of every frame shown with an overlay. Carried"
                        + " forward: at the anchor velocities the job sent (the line through the last answers for"
                        + " answers without them), at most 100 ms ahead. 'At job velocities': the share of those"
                        + " frames carried at the job's velocities. Floor: the same heads, keypoint noise, pose model and"
                        + " render-gate filters without broker or queue, every answer in by the next frame"
                        + " (DriftFloor; " + FLOOR_USERS + " users x " + FLOOR_SECONDS + " s), carried forward; as"
                        + " answered there: " + floorMeans(floor, DriftFloor.Result::asAnswered)
                        + "; along the client's own line: " + floorMeans(floor, DriftFloor.Result::alongClientLine)
                        + ".",
                List.of("load", "users", "motion", "peak °/s", "drift carried forward px", "floor px",
                        "drift as answered px",
                        "on time", "at job velocities"),
                rows, points, headline, series);
    }

    /** Each profile's mean floor drift drawn one way, e.g. "calm 1.89, normal 2.70, ...". */
    private static String floorMeans(List<DriftFloor.Result> floor, Function<DriftFloor.Result, PixelError> drawn) {
        return floor.stream().map(r -> r.motion().cliName() + " " + String.format(Locale.ROOT, "%.2f",
                drawn.apply(r).mean())).collect(Collectors.joining(", "));
    }

    private static String pixels(PixelError e) {
        return String.format(Locale.ROOT, "mean %.2f, p95 %.2f, p99 %.2f", e.mean(), e.p95(), e.p99());
    }
}
