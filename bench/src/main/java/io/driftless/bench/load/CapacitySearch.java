package io.driftless.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the most users (at a fixed frame rate) a system serves within its targets, by probing:
 * from a start size it doubles while probes pass (or halves while they fail) to bracket the
 * limit, then bisects the bracket until it is within the tolerance or the steps run out. The
 * answer is the largest size that passed; a system that fails even one user has capacity 0.
 *
 * <p>Probes are noisy. A size that passes is probed once; one that fails is probed again at once,
 * and fails only if that probe fails too: a single probe of a few seconds held to 99.9 % on time
 * fails on one collector pause or scheduling stall, and the search, which assumes that more users
 * never pass where fewer failed, would never look above it again. (It did: 100 users failed at
 * 99.6 % on time, so the capacity came out at 93, in a run whose every 200-user drift run was
 * 99.85 % on time or more.) The steps, repeats included, are kept so the report can show them.
 */
public final class CapacitySearch {

    /** Offers {@code users} and says whether the targets held. */
    @FunctionalInterface
    public interface Probe<R> {
        Step<R> probe(int users) throws Exception;
    }

    /** One probe: the size offered, whether it passed, and what it measured. */
    public record Step<R>(int users, boolean passed, R measured) {}

    /** The answer and how it was found. */
    public record Result<R>(int users, boolean bracketed, List<Step<R>> steps) {}

    private final int startUsers;
    private final int maxUsers;
    private final int maxSteps;
    private final double tolerance;

    /**
     * @param tolerance the bracket width, relative to its lower end, at which the search stops
     */
    public CapacitySearch(int startUsers, int maxUsers, int maxSteps, double tolerance) {
        if (startUsers < 1 || startUsers > maxUsers) {
            throw new IllegalArgumentException("startUsers must be between 1 and maxUsers (" + maxUsers + "), got "
                    + startUsers);
        }
        if (maxSteps < 1) {
            throw new IllegalArgumentException("maxSteps must be at least 1, got " + maxSteps);
        }
        if (!(tolerance > 0)) {
            throw new IllegalArgumentException("tolerance must be positive, got " + tolerance);
        }
        this.startUsers = startUsers;
        this.maxUsers = maxUsers;
        this.maxSteps = maxSteps;
        this.tolerance = tolerance;
    }

    /**
     * Runs the search. {@link Result#bracketed()} is false when the steps ran out or the limits
     * were hit before a passing and a failing size were found next to each other.
     */
    public <R> Result<R> search(Probe<R> probe) throws Exception {
        List<Step<R>> steps = new ArrayList<>();
        int passed = 0;
        int failed = Integer.MAX_VALUE;
        int next = startUsers;
        while (steps.size() < maxSteps) {
            Step<R> step = probe.probe(next);
            steps.add(step);
            if (!step.passed() && steps.size() < maxSteps) {
                step = probe.probe(next);
                steps.add(step);
            }
            if (step.passed()) {
                passed = Math.max(passed, next);
            } else {
                failed = Math.min(failed, next);
            }
            if (failed == Integer.MAX_VALUE) {
                if (passed >= maxUsers) {
                    break;
                }
                next = (int) Math.min(maxUsers, 2L * passed);
            } else if (passed == 0) {
                if (failed == 1) {
                    break;
                }
                next = Math.max(1, failed / 2);
            } else {
                if (narrow(passed, failed)) {
                    break;
                }
                next = passed + (failed - passed) / 2;
            }
        }
        boolean bracketed = failed != Integer.MAX_VALUE && (passed == 0 ? failed == 1 : narrow(passed, failed));
        return new Result<>(passed, bracketed, List.copyOf(steps));
    }

    private boolean narrow(int passed, int failed) {
        return failed - passed <= 1 || (failed - passed) <= tolerance * passed;
    }
}
