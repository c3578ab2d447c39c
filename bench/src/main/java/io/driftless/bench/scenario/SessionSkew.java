package io.driftless.bench.scenario;

import static io.driftless.bench.scenario.Figures.ms;
import static io.driftless.bench.scenario.Figures.percent;
import static io.driftless.bench.scenario.Figures.rate;
import static io.driftless.bench.scenario.Figures.ratio;

import io.driftless.bench.load.LoadRunner;
import io.driftless.bench.load.RunResult;
import io.driftless.bench.report.Headline;
import io.driftless.bench.report.Point;
import io.driftless.bench.report.ScenarioResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Scenario 6: per-user isolation. The same users run once alone and once beside one user who
 * sends at 20 times their rate; the others' on-time ratio must not suffer. The size is the
 * plan's reference size, or half the capacity when that is smaller, so that the skew and not
 * plain overload is what is measured.
 */
public final class SessionSkew implements Scenario {

    static final int FLOOD_FACTOR = 20;

    @Override
    public String id() {
        return "session-skew";
    }

    @Override
    public String title() {
        return "Session skew";
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        int fps = context.plan().fps();
        int users = context.plan().referenceUsers();
        if (context.capacityUsers().isPresent() && context.capacityUsers().getAsInt() > 1) {
            users = Math.min(users, context.capacityUsers().getAsInt() / 2);
        }
        int flooderFps = Math.min(1_000, FLOOD_FACTOR * fps);
        Point alone = context.point(SystemKind.PIPELINE, "skew: without flooder", users, context.plan().measure());
        List<RunResult> others = new ArrayList<>();
        List<RunResult> flooders = new ArrayList<>();
        for (int i = 0; i < context.plan().repeats(); i++) {
            LoadRunner.FloodedRun run = context.flooded(SystemKind.PIPELINE, "skew: with flooder", users, flooderFps,
                    context.plan().measure());
            others.add(run.users());
            flooders.add(run.flooder());
        }
        Point withFlooder = Point.of("skew: others beside the flooder", others);
        Point flooder = Point.of("skew: the flooder", flooders);
        context.progress().result(withFlooder);
        List<List<String>> rows = List.of(
                row(String.format(Locale.ROOT, "%d users alone", users), alone),
                row(String.format(Locale.ROOT, "the same %d users beside the flooder", users), withFlooder),
                row(String.format(Locale.ROOT, "the flooder (1 user × %d fps)", flooderFps), flooder));
        Headline headline = new Headline(
                String.format(Locale.ROOT, "others' on time beside a %d× flooder (%d users)", FLOOD_FACTOR, users),
                percent(withFlooder.onTimeRatio().median()),
                "without the flooder " + percent(alone.onTimeRatio().median()),
                ratio(withFlooder.onTimeRatio().median(), alone.onTimeRatio().median()));
        return new ScenarioResult(id(), title(), true,
                "The flooder is a second client in the same process; its frames count in the offered rate of"
                        + " the flooded run.",
                List.of("run", "offered /s", "on time", "p50 ms", "p99 ms", "unaccounted"),
                rows, List.of(alone, withFlooder, flooder), List.of(headline));
    }

    private static List<String> row(String what, Point p) {
        return List.of(what, rate(p.offeredFps()), percent(p.onTimeRatio()), ms(p.p50Ms()), ms(p.p99Ms()),
                Long.toString(p.unaccounted()));
    }
}
