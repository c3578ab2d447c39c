package io.driftless.bench.scenario;

import static io.driftless.bench.scenario.Figures.ms;
import static io.driftless.bench.scenario.Figures.percent;
import static io.driftless.bench.scenario.Figures.rate;
import static io.driftless.bench.scenario.Figures.ratio;

import io.driftless.bench.load.RunResult;
import io.driftless.bench.report.Headline;
import io.driftless.bench.report.Point;
import io.driftless.bench.report.ScenarioResult;
import io.driftless.bench.report.Stat;
import io.driftless.bench.system.FlinkSystem;
import io.driftless.bench.system.MetricsScraper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the metrics cost: the job at 70% of its capacity (the plan's reference size when the
 * capacity scenario did not run first) without a reporter and with
 * Flink's Prometheus reporter scraped every second, alternated off/on/off/on so that drift in
 * the machine's load falls on both sides alike (at least {@value #MIN_ROUNDS} rounds); the report
 * gives each side's median. Each switch starts the other system and warms it up, as every
 * system of the suite is.
 */
public final class MetricsOverhead implements Scenario {

    /** Off/on pairs at least, whatever the plan's repeats. */
    public static final int MIN_ROUNDS = 3;

    @Override
    public String id() {
        return "metrics-overhead";
    }

    @Override
    public String title() {
        return "Metrics overhead: Prometheus reporter on versus off";
    }

    public static int rounds(int repeats) {
        return Math.max(MIN_ROUNDS, repeats);
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        int users = context.belowCapacityUsers().orElse(context.plan().referenceUsers());
        int rounds = rounds(context.plan().repeats());
        List<RunResult> off = new ArrayList<>();
        List<RunResult> on = new ArrayList<>();
        long scrapes = 0;
        long scrapeBytes = 0;
        for (int round = 1; round <= rounds; round++) {
            String of = String.format(Locale.ROOT, "round %d/%d", round, rounds);
            off.add(context.once(SystemKind.PIPELINE, "reporter off, " + of, users, context.plan().measure()));
            MetricsScraper scraper = scraper(context);
            long before = scraper.scrapes();
            on.add(context.once(SystemKind.REPORTED_PIPELINE, "reporter on, " + of, users, context.plan().measure()));
            scrapes += scraper.scrapes() - before;
            scrapeBytes = scraper.meanBytes();
        }
        Point without = Point.of("reporter off", off);
        Point with = Point.of("reporter on, scraped every 1 s", on);
        if (scrapes == 0) {
            return ScenarioResult.notRun(id(), title(), "not valid: the Prometheus endpoint was never read during"
                    + " the measured runs, so the runs with the reporter did not pay for it");
        }
        List<List<String>> rows = List.of(row(without, without), row(with, without));
        Headline headline = new Headline(
                String.format(Locale.ROOT, "Prometheus reporter cost at %,d users: RTT p99", users),
                String.format(Locale.ROOT, "%.2f ms on, goodput %s/s", with.p99Ms().median(),
                        rate(with.goodputFps().median())),
                String.format(Locale.ROOT, "%.2f ms off, goodput %s/s", without.p99Ms().median(),
                        rate(without.goodputFps().median())),
                ratio(with.p99Ms().median(), without.p99Ms().median()));
        return new ScenarioResult(id(), title(), true, String.format(Locale.ROOT,
                "%d rounds of off then on at the same offered load, each run on a freshly started and warmed-up"
                        + " job; medians with their range. The endpoint answered %,d scrapes during the measured"
                        + " runs, about %,d bytes each.", rounds, scrapes, scrapeBytes),
                List.of("reporter", "offered /s", "goodput /s", "p50 ms", "p99 ms", "p99.9 ms", "on time",
                        "p99 ratio", "goodput ratio", "unaccounted"),
                rows, List.of(without, with), List.of(headline));
    }

    private static MetricsScraper scraper(BenchContext context) throws Exception {
        if (context.system(SystemKind.REPORTED_PIPELINE) instanceof FlinkSystem flink && flink.scraper().isPresent()) {
            return flink.scraper().get();
        }
        throw new IllegalStateException("the reported pipeline has no metrics scraper");
    }

    private static List<String> row(Point p, Point base) {
        return List.of(p.label(), rate(p.offeredFps()), goodput(p.goodputFps()), ms(p.p50Ms()), ms(p.p99Ms()),
                ms(p.p999Ms()), percent(p.onTimeRatio()), ratio(p.p99Ms().median(), base.p99Ms().median()),
                ratio(p.goodputFps().median(), base.goodputFps().median()), Long.toString(p.unaccounted()));
    }

    private static String goodput(Stat s) {
        return s.n() > 1
                ? String.format(Locale.ROOT, "%s (%s–%s)", rate(s.median()), rate(s.min()), rate(s.max()))
                : rate(s.median());
    }
}
