package io.driftless.bench.scenario;

import static io.driftless.bench.scenario.Figures.count;
import static io.driftless.bench.scenario.Figures.percent;
import static io.driftless.bench.scenario.Figures.ratio;

import io.driftless.bench.cold.ColdLocalRun;
import io.driftless.bench.cold.ColdLocalRun.Seconds;
import io.driftless.bench.report.Headline;
import io.driftless.bench.report.ScenarioResult;
import io.driftless.bench.report.ScenarioResult.Series;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Scenario 0: the local run as a user first starts it, in a fresh JVM with no warm-up, and how
 * many of its frames are on time second by second: landmark users in-process, a few JPEG users
 * beside landmark users, and landmark users on a standalone cluster; then landmark users in-process
 * after the local run's pre-roll, as its default starts them. Landmark frames are judged from the
 * 5th second, JPEG frames from the 10th; the floor is the same run's own last 10 s, when it is
 * warmest.
 */
public final class ColdStart implements Scenario {

    private static final Duration RUN = Duration.ofSeconds(40);
    private static final int WARM_TAIL_S = 10;
    /** Landmark frames count from the 5th second, JPEG frames from the 10th (0-based seconds). */
    private static final int LANDMARKS_JUDGED_FROM = 4;
    private static final int JPEG_JUDGED_FROM = 9;
    private static final int JPEG_USERS = 3;
    private static final int JPEG_FPS = 10;
    private static final int LANDMARK_USERS_BESIDE_JPEG = 40;

    /** The pre-roll's limit in the run that has one, as the local run's default. */
    private static final String PRE_ROLL = "120s";

    /** One cold run: what it is and the options the user starts it with. */
    private record Cold(String label, List<String> options) {}

    @Override
    public String id() {
        return "cold-start";
    }

    @Override
    public String title() {
        return "From a cold start";
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        context.stopSystem();
        int users = context.plan().referenceUsers();
        List<Cold> runs = List.of(
                new Cold(users + " landmark users, in-process", List.of("--users", Integer.toString(users))),
                new Cold(LANDMARK_USERS_BESIDE_JPEG + " landmark and " + JPEG_USERS + " JPEG users, in-process",
                        List.of("--users", Integer.toString(LANDMARK_USERS_BESIDE_JPEG),
                                "--jpeg-users", Integer.toString(JPEG_USERS), "--jpeg-fps", Integer.toString(JPEG_FPS))),
                new Cold(users + " landmark users, standalone cluster",
                        List.of("--users", Integer.toString(users), "--task-managers", "1")),
                new Cold(users + " landmark users, in-process, after the pre-roll",
                        List.of("--users", Integer.toString(users), "--pre-roll", PRE_ROLL)));
        List<List<String>> rows = new ArrayList<>();
        List<Headline> headlines = new ArrayList<>();
        List<Series> series = new ArrayList<>();
        Path logs = Files.createTempDirectory("driftless-cold-start");
        for (Cold cold : runs) {
            context.progress().step("cold " + cold.label());
            ColdLocalRun.Result result = ColdLocalRun.run(cold.options(), RUN,
                    logs.resolve(cold.label().replaceAll("[^a-z0-9]+", "-") + ".log"));
            String label = result.preRollSeconds() < 0 ? cold.label()
                    : cold.label() + " of " + result.preRollSeconds() + " s"
                            + (result.preRollWarm() ? ", warm" : ", at its limit, not warm");
            List<Judged> judged = new ArrayList<>();
            judged.add(judge(label + ", landmark frames", result.landmarks(), LANDMARKS_JUDGED_FROM));
            if (result.jpeg() != null) {
                judged.add(judge(label + ", JPEG frames", result.jpeg(), JPEG_JUDGED_FROM));
            }
            for (Judged j : judged) {
                rows.add(j.row());
                headlines.add(j.headline());
                series.add(j.series());
            }
        }
        String note = String.format(Locale.ROOT, "Each run is bin/driftless-local in a JVM of its own with its JVM"
                        + " options, started cold with --warm-up-run 0s for %d s: it starts Kafka and the job, waits"
                        + " for the job to run, then streams; the cold runs with --pre-roll 0s, the last after a"
                        + " pre-roll of at most %s, its own sessions ramped up to the same load until 10 s of them"
                        + " were on time. Frames count by the second of their capture from the users' first"
                        + " frame; on time means answered within the deadline. The floor is the same run's"
                        + " last %d s. JPEG users send a 640×480 photo at %d fps. Logs: %s", RUN.toSeconds(),
                PRE_ROLL, WARM_TAIL_S, JPEG_FPS, logs);
        return new ScenarioResult(id(), title(), true, note,
                List.of("run", "frames", "on time", "judged from", "on time from then", "last 10 s", "ratio",
                        "1st–5th s", "6th–10th s", "11th–20th s", "21st–30th s"),
                rows, List.of(), headlines, series);
    }

    /** One kind of frames of one cold run, judged: its table row, headline and line on the plot. */
    record Judged(List<String> row, Headline headline, Series series) {}

    /** Judges {@code s} from second {@code from} (0-based) on, against its own last seconds. */
    static Judged judge(String label, Seconds s, int from) {
        int end = s.length();
        double judged = s.onTimeRatio(from, end);
        double warm = s.onTimeRatio(end - WARM_TAIL_S, end);
        List<String> row = List.of(label, count(s.frames()), percent(s.onTimeRatio(0, end)), ordinal(from + 1) + " s",
                percent(judged), percent(warm), ratio(judged, warm), percent(s.onTimeRatio(0, 5)),
                percent(s.onTimeRatio(5, 10)), percent(s.onTimeRatio(10, 20)), percent(s.onTimeRatio(20, 30)));
        Headline headline = new Headline("on time from the " + ordinal(from + 1) + " second of a cold start: " + label,
                percent(judged), "its own last " + WARM_TAIL_S + " s " + percent(warm), ratio(judged, warm));
        double[] x = new double[end];
        double[] y = new double[end];
        for (int i = 0; i < end; i++) {
            x[i] = i + 1;
            y[i] = 100 * s.onTimeRatio(i, i + 1);
        }
        return new Judged(row, headline, new Series(label, "second of the run", "frames on time, %", x, y));
    }

    private static String ordinal(int n) {
        String suffix = n % 100 >= 11 && n % 100 <= 13 ? "th"
                : switch (n % 10) {
                    case 1 -> "st";
                    case 2 -> "nd";
                    case 3 -> "rd";
                    default -> "th";
                };
        return n + suffix;
    }
}
