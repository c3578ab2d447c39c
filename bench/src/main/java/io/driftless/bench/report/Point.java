package io.driftless.bench.report;

import io.driftless.bench.load.RunResult;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One system at one offered load: the repeated runs and the median and spread of each figure.
 * Counts that must be zero (unaccounted, late responses) are summed over the runs.
 *
 * @param label what the point is within its scenario, e.g. {@code 3x capacity}
 */
public record Point(
        String label,
        String system,
        int users,
        int fps,
        double offeredFps,
        Stat p50Ms,
        Stat p99Ms,
        Stat p999Ms,
        Stat maxMs,
        Stat onTimeRatio,
        Stat goodputFps,
        Stat generatorCpuShare,
        Stat processCpuUsPerFrame,
        Stat contextSwitchesPerFrame,
        long unaccounted,
        long unanswered,
        long lateResponses,
        List<RunResult> runs) {

    public static Point of(String label, List<RunResult> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("a point needs at least one run");
        }
        RunResult first = runs.get(0);
        return new Point(label, first.system(), first.users(), first.fps(), first.offeredFps(),
                stat(runs, RunResult::p50Ms), stat(runs, RunResult::p99Ms), stat(runs, RunResult::p999Ms),
                stat(runs, RunResult::maxMs), stat(runs, RunResult::onTimeRatio), stat(runs, RunResult::goodputFps),
                stat(runs, RunResult::generatorCpuShare), stat(runs, RunResult::processCpuUsPerFrame),
                stat(runs, RunResult::contextSwitchesPerFrame),
                runs.stream().mapToLong(RunResult::unaccounted).sum(),
                runs.stream().mapToLong(RunResult::unanswered).sum(),
                runs.stream().mapToLong(RunResult::lateResponses).sum(),
                List.copyOf(runs));
    }

    private static Stat stat(List<RunResult> runs, ToDoubleFunction<RunResult> figure) {
        return Stat.of(runs.stream().map(r -> figure.applyAsDouble(r)).toList());
    }
}
